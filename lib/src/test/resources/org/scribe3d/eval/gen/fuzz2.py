import random, sys
random.seed(int(sys.argv[1]))
chars = "aAbBcCdDeEiImMnNoOsStTuUxXyYzZ0123456789     ....,,;;::''\"\"``--//\\()[]{}<>!?&$#@%*_=+~^|\t\u00a0\u2019\u2018\u201c\u201d\u2013\u2014\u00bd\u00b0\u00d7\u00e9\u00ad\u2026"
for i in range(int(sys.argv[2])):
    n = random.randint(1, 40)
    print("".join(random.choice(chars) for _ in range(n)))
