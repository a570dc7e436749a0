import random, sys
random.seed(int(sys.argv[1]))
frags = ["the","The","lesion","Dr.","Mr.","U.S.","e.g.","i.e.","etc.","Jan.","No.","fig.","ca.","vs.","a.m.","p.m.","I.","A.","St.",
 "3.5","1,000","-5","+3","10:30","1/2","3 1/2","12/03/2019","5-cm","3.5-cm","well-defined","T2/FLAIR","and/or","S/p","x","4.5x3.2",
 "isn't","can't","won't","it's","Smith's","patients'","'90s","o'clock","O'Brien","y'all","'tis","cannot","gonna","c++","C#",
 "(",")","[","]","{","}","\"","'","`","``","''","“","”","‘","’","«","»",",",";",":",".","...","..",". . .","?","!","?!","-","--","---","—","–","_","___",
 "&","&amp;","%","$","$5","US$","#","@","*","**","=","<",">","<<","~","^","|","\\","°","×","±","→","½","²",
 "http://x.org/a.b","www.test.com","foo@bar.org","file.txt","AT&T","S&P","R&D",":)",";-)","^_^","(650) 555-1234","555-1234",
 "mm","cm","HU","L4-L5","C3","T12","CT","MRI","IV","I.V.","Ph.D.","Inc.","Co.","Ltd.","pty.","Corp.","Calif.","Mass.","Miss.","Ill.","La.",
 "However","This","There","He","It","She","In","An","A","About","hello","world","café","naïve","Ärzte","ﬁ","\u00ad","soft\u00adhyphen",
 "1.","2)","a)","(a)","(1)","5th","1st","2nd","3rd","10cm","5mm","2x","x2","N/A","n/a","w/o","b/l","+/-","i.v.","q.d.","b.i.d.",
 "don't","Don't","I'm","we're","they've","you'll","he'd","ma'am","rock 'n' roll","'em","cont'd","Y'know","l'hôpital","d'Artagnan"]
seps = [" "," "," "," ","","  ","\t"]
for i in range(int(sys.argv[2])):
    n = random.randint(1, 14)
    line = ""
    for j in range(n):
        line += random.choice(frags) + random.choice(seps)
    print(line.replace("\n"," "))
