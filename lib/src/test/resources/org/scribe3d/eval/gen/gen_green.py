import re, json, ast, sys
src = open('green_src.py').read()
# take the GREEN class's parsing methods verbatim (no model needed)
tree = ast.parse(src)
cls = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == 'GREEN'][0]
methods = {n.name: ast.get_source_segment(src, n) for n in cls.body if isinstance(n, ast.FunctionDef)}
code = "import re\nclass G:\n"
code += "    def __init__(self):\n        self.categories=['Clinically Significant Errors','Clinically Insignificant Errors','Matched Findings']\n"
code += "        self.sub_categories=[\"(a) False report of a finding in the candidate\",\"(b) Missing a finding present in the reference\",\"(c) Misidentification of a finding's anatomic location/position\",\"(d) Misassessment of the severity of a finding\",\"(e) Mentioning a comparison that isn't in the reference\",\"(f) Omitting a comparison detailing a change from a prior study\"]\n"
for name in ['compute_error_count', 'compute_green', 'parse_error_counts']:
    code += "\n".join("    " + l if i else "    " + l.lstrip() for i, l in enumerate(methods[name].split("\n"))) + "\n"
ns = {}; exec(code, ns); G = ns['G']()
usrc = open('utils_src.py').read(); ut = ast.parse(usrc)
fns = {n.name: ast.get_source_segment(usrc, n) for n in ut.body if isinstance(n, ast.FunctionDef)}
uns = {}; exec(fns['clean_responses'], uns); exec(fns['make_prompt'], uns)
t = open('test_repro.py').read()
tns = {}; exec(t[t.index('refs = ['):t.index('mean, std, green_score_list')], tns)
cases = [{'source': 'Stanford-AIMI/GREEN tests/test_repro.py expected_green_score_list[%d] @ d72c1951e69683b93405968901fd4f14cc6c27b0' % i, 'response': r}
         for i, r in enumerate(tns['expected_green_score_list'])]
own = [
 "[Explanation]:\nAll good.\n\n[Clinically Significant Errors]:\nNo clinically significant errors.\n\n[Clinically Insignificant Errors]:\nNo errors.\n\n[Matched Findings]:\n3. A; B; C.",
 "[Clinically Significant Errors]:\n(1) False report: 1. X.\n(2) Missing: 2. Y; Z.\n(3) Loc: 0.\n(4) Sev: 0.\n(5) Cmp: 0.\n(6) Omit: 0.\n\n[Matched Findings]:\n4. A.",
 "[Clinically Significant Errors]:\n(b) Missing a finding present in the reference: 1. Q.\n(a) False report of a finding in the candidate: 2. X; Y.\n(a) False report of a finding in the candidate: 5. again.\n\n[Matched Findings]:\n2. A; B.",
 "I cannot evaluate these reports.",
 "[Clinically Significant Errors]:\n(a) False report of a finding in the candidate: 1. X.\n\n[Matched Findings]:\nTwo findings matched.",
 "[Clinically Significant Errors]:\n(a) False report of a finding in the candidate: 1. X.",
 "[Matched Findings]:\n2. A; B.",
 "[Clinically Significant Errors]:   (c) Misidentification of a finding's anatomic location/position: 3. a; b; c.\n(d) Misassessment of the severity of a finding: 1.\n\n\n[Matched Findings]:  7. many",
 "<|assistant|>\n[Explanation]:\nExpl.\n\n[Clinically Significant Errors]:\n(a) False report of a finding in the candidate: 1. X.</s>\n\n[Matched Findings]:\n1. A.</s>",
]
cases += [{'source': 'own edge case', 'response': r} for r in own]
for c in cases:
    r = c['response']
    c['cleaned'] = uns['clean_responses'](r)
    resp = c['cleaned']
    c['score'] = G.compute_green(resp)
    c['counts'] = G.compute_error_count(resp)
    c['insignificant'] = G.parse_error_counts(resp, G.categories[1])[1]
    sp, _ = G.parse_error_counts(resp, G.categories[0], for_reward=True)
    mp, _ = G.parse_error_counts(resp, G.categories[2], for_reward=True)
    c['sections_found'] = sp is not None and mp is not None
prompts = [{'reference': a, 'candidate': b, 'prompt': uns['make_prompt'](a, b)} for a, b in zip(tns['refs'][:2], tns['hyps'][:2])]
long_ref = " ".join("w%d" % i for i in range(350))
prompts.append({'reference': long_ref, 'candidate': "short  text\twith\nspaces", 'prompt': uns['make_prompt'](long_ref, "short  text\twith\nspaces")})
json.dump({'responses': cases, 'prompts': prompts}, open('green-vectors.json', 'w'), indent=1, ensure_ascii=False)
for c in cases: print(c['score'], c['counts'], c['insignificant'], c['sections_found'])
