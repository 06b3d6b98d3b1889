"""Models: score estimation (`score_estimation`), score-based CRL — LSCALE-I, GSCALE-I, UMNI-CRL (`score_crl`),
and weakly supervised CRL from pairs — ILCM with its dVAE / β-VAE baselines (`ilcm`) and DCRL (`dcrl`)."""
