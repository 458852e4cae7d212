"""Generate /tmp/prim_research/synthetic.csv.

3000 rows, x1,x2,x3 ~ U(0,1) iid, case = (x1>0.6 & x2<0.3) XOR flip, flip ~ Bernoulli(0.05).
RNG: numpy.random.default_rng(1); draws in this order: X = rng.uniform(size=(3000,3)) (row-major),
then u = rng.uniform(size=3000), flip = u < 0.05.
Floats are written with repr() (shortest round-trip), so any correctly-rounding parser gets the exact f64s.
"""
import numpy as np

rng = np.random.default_rng(1)
n = 3000
X = rng.uniform(size=(n, 3))
truth = (X[:, 0] > 0.6) & (X[:, 1] < 0.3)
flip = rng.uniform(size=n) < 0.05
case = truth ^ flip
with open("/tmp/prim_research/synthetic.csv", "w") as f:
    f.write("draw,x1,x2,x3,case\n")
    for i in range(n):
        f.write(f"{i},{float(X[i,0])!r},{float(X[i,1])!r},{float(X[i,2])!r},{'true' if case[i] else 'false'}\n")
print("rows", n, "true cases", int(truth.sum()), "flipped", int(flip.sum()), "case=1", int(case.sum()))
