import random, sys
random.seed(int(sys.argv[1]))
pools = ["abcXYZ019 .,'\"-", "\u00c0\u00e9\u00f1\u00df\u0130\u0131", "\u0391\u03b1\u0410\u044f", "\u4e00\u4e8c\u3001\u3002\u3000",
         "\U0001F600\U0001F4A9", "\u0301\u0308", "\uff01\uff21\uff41\uff10", "\u0660\u0661\u06f1", "\u2022\u00b7\u2219\u2032\u2033",
         "\u00a0\u2009\u200b\ufeff", "\u00bc\u00bd\u2153\u2044", "\u00a2\u00a3\u20ac\u00a5", "\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb",
         "&amp;&lt;&gt;&quot;&apos;&nbsp;", "<b></b><a href='x'>", "\\/*", "\t"]
for i in range(int(sys.argv[2])):
    n = random.randint(1, 30)
    s = ""
    for _ in range(n):
        p = random.choice(pools)
        if p.startswith("&") or p.startswith("<b"):
            s += random.choice(["&amp;","&lt;","&gt;","&quot;","&apos;","&nbsp;","<b>","</b>","<a href='x'>","AT&amp;T"])
        else:
            s += random.choice(p)
    print(s)
