"""One table per dataset with every model's committed run, built by crl_nb.report.model_comparison (the report's function):
python benchmarks/model_comparison.py [--profile quick] [ROOT ...]  (default roots: the committed CausalDiffAE, Diff-SCM and causal VAE runs with settings chosen on validation images).
Writes benchmarks/results/model_comparison_<profile>.md and prints it."""
import argparse
from pathlib import Path
from crl_nb.experiments.schema import COMPARISON, collect_runs
from crl_nb.report import comparison_markdown, model_comparison
ap = argparse.ArgumentParser()
ap.add_argument("roots", nargs="*", default=["benchmarks/results/causaldiffae_validation_runs", "benchmarks/results/diffscm_validation_runs",
                                              "benchmarks/results/causal_vae_validation_runs"])
ap.add_argument("--profile", default="quick")
a = ap.parse_args()
runs = [r for root in a.roots for r in collect_runs(root)]
out = Path("benchmarks/results") / f"model_comparison_{a.profile}.md"
parts = [f"# Models side by side ({a.profile} profile)\n", "Built by `python benchmarks/model_comparison.py` with `crl_nb.report.model_comparison` from the committed runs in "
         + ", ".join(f"`{r}`" for r in a.roots) + ". `quick` numbers are small CPU runs, not paper-scale results.\n"]
for ds in COMPARISON: parts.append(comparison_markdown(model_comparison(runs, ds, a.profile, base=out.parent), ds))
text = "\n".join(parts)
out.write_text(text)
print(text)
