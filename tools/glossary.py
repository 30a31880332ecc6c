"""Keep docs/glossary.md's "Introduced in" pointers true: each names the first notebook section that uses the term.

Usage:
    python tools/glossary.py check   list every entry whose pointer is not the term's first use (exit 1 if any)
    python tools/glossary.py fix     rewrite every pointer to the term's first use, as a link to that heading

A notebook section is the text under one `#` (the title), `##` or `###` heading of notebooks/src/NN_*.py (markdown and
code), in course order. A term's first use is the first section whose text matches one of the entry's
patterns (PATTERNS below; by default the entry's title up to " (" or " /"). The pointer reads
`*Introduced in:* [notebook 04, "2. The fixes, one idea each"](../notebooks/04_training_stability.ipynb#2.-The-fixes,-one-idea-each).`
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"
SOURCES = ROOT / "notebooks" / "src"

# Entry title -> regular expressions (case-insensitive) that mark a use of the term in a notebook.
PATTERNS: dict[str, tuple[str, ...]] = {
    "Adam and β₁": (r"\bAdam\b",),
    "Batch": (r"\bbatch(es)?\b(?! normali)",),
    "Critic / critic score $s(x)$": (r"\bcritic\b",),
    "Discriminator $D$": (r"\bdiscriminator\b",),
    "EMA of the generator's weights": (r"\bEMA\b",),
    "Entropy": (r"cross-entropy", r"\bentropy\b"),
    "Equilibrium": (r"\bequilibrium\b",),
    "Density": (r"\bdensity\b", r"\bdensities\b"),
    "Epoch vs step": (r"\bepochs?\b",),
    "Evidence lower bound (ELBO)": (r"\bELBO\b", r"evidence lower bound"),
    "Fréchet distance / FID": (r"Fr[ée]chet", r"\bFID\b"),
    "GAN (generative adversarial network)": (r"\bGANs?\b",),
    "Generator $G$": (r"\bgenerator\b",),
    "GradientTape and tracing (`tf.function`)": (r"GradientTape", r"tf\.function"),
    "Interpolation (lerp and slerp)": (r"\bslerp\b", r"\blerp\b"),
    "Jensen-Shannon divergence (JSD)": (r"\bJSD\b", r"Jensen"),
    "KID (kernel inception distance)": (r"\bKID\b",),
    "KL divergence": (r"\bKL\b",),
    "Label smoothing (one-sided)": (r"label smoothing", r"label_smoothing"),
    "Latent space / latent vector $z$": (r"\blatent\b",),
    "Lipschitz continuity (1-Lipschitz)": (r"Lipschitz",),
    "Log-sum-exp": (r"log-sum-exp", r"logsumexp"),
    "MMD (maximum mean discrepancy)": (r"\bMMD\b", r"maximum mean discrepancy"),
    "Memorisation": (r"memori[sz]",),
    "Minimax loss": (r"\bminimax\b",),
    "Mode collapse": (r"mode collapse", r"collapse"),
    "Non-saturating loss": (r"non-saturating",),
    "Optimal discriminator": (r"optimal discriminator", r"D\^\*", r"D\^{\*}"),
    "PacGAN / packing": (r"PacGAN", r"\bpack(ing|=)"),
    "Parzen window log-likelihood": (r"Parzen",),
    "PCA (principal component analysis)": (r"\bPCA\b", r"principal component"),
    "Projection discriminator": (r"projection discriminator",),
    "R1 penalty": (r"\bR1\b",),
    "Reparameterisation trick": (r"reparameteri[sz]ation",),
    "Shared forward pass (simultaneous update)": (r"shared forward pass", r"shared_forward"),
    "Spectral norm / spectral normalisation": (r"spectral",),
    "TTUR (two time-scale update rule)": (r"\bTTUR\b", r"two time-scale"),
    "Variational autoencoder (VAE)": (r"\bVAE\b", r"variational autoencoder"),
    "Wasserstein (earth-mover) distance": (r"earth-mover",),
    "Kernel": (r"kernel inception", r"\bKID\b"),
    "Dirac-GAN": (r"Dirac-GAN", r"Dirac GAN"),
    "Hinge loss": (r"\bhinge\b",),
    "LeakyReLU": (r"LeakyReLU", r"leaky ReLU"),
    "Nats": (r"\bnats?\b",),
    "Logit": (r"\blogits?\b",),
    "Sigmoid": (r"\bsigmoid\b",),
    "Softplus": (r"\bsoftplus\b",),
    "Accountant (privacy)": (r"\baccountant\b",),
    "AUC (area under the ROC curve)": (r"\bAUC\b",),
    "Bias (of a generator)": (r"\bbiases\b", r"class balance"),
    "Classification accuracy score (CAS)": (r"classification accuracy score", r"\bCAS\b"),
    "Fidelity and diversity": (r"\bfidelity\b", r"\bdiversity\b"),
    "Noise multiplier $\\nu$": (r"noise multiplier", r"noise_multiplier"),
    "Precision and recall (generative models)": (r"\bprecision\b", r"\brecall\b"),
    "ROC curve": (r"\bROC\b",),
    "Truncation trick $\\psi$": (r"truncation",),
    "White-box and black-box attacks": (r"white-box", r"black-box"),
    "Autoregressive model": (r"autoregressive",),
    "DDIM (denoising diffusion implicit models)": (r"(?-i:\bDDIM\b)",),  # capitals: not sampler="ddim"
    "DDPM (denoising diffusion probabilistic model)": (r"(?-i:\bDDPM\b)",),  # not the shipped model "ddpm"
    "Diffusion model": (r"diffusion models?\b",),
    "Explicit and implicit density models": (r"\bexplicit\b", r"\bimplicit\b"),
    "Noise level $j$ and variance $\\omega_j$": (r"noise levels?\b", r"\\omega_j"),
    "Noise predictor $\\hat\\xi(x_j, j)$ / U-net": (r"noise predictor", r"\bU-net\b"),
    "Patch discriminator (PatchGAN)": (r"patch discriminator", r"PatchGAN"),
    "R2 penalty": (r"\bR2\b",),
    "Relativistic pairing loss": (r"relativistic pairing", r"relativistic_d_loss"),
    "Signal fraction $\\zeta_j$": (r"signal fraction", r"\\zeta_j"),
    "Zero-centred gradient penalty": (r"zero[-_]centred",),
}

POINTER = re.compile(r"^\*Introduced in:\*.*$", re.M)
LINK = re.compile(r'\[notebook (\d\d), "([^"]+)"\]\(\.\./notebooks/([\w.-]+)\.ipynb#([^)]*)\)')


def entries(text: str | None = None) -> list[tuple[str, str]]:
    """(title, body) of every glossary term, in file order."""
    text = GLOSSARY.read_text() if text is None else text
    terms = text.split("## Terms", 1)[1].split("\n## References", 1)[0]
    found = re.split(r"^### ", terms, flags=re.M)[1:]
    return [(part.split("\n", 1)[0].strip(), part.split("\n", 1)[1]) for part in found]


def patterns(title: str) -> tuple[str, ...]:
    """The patterns that mark a use of an entry's term (PATTERNS, else its title up to ' (' or ' /')."""
    if title in PATTERNS:
        return PATTERNS[title]
    stem = re.split(r" \(| /", title)[0].strip()
    return (re.escape(stem),)


def anchor(heading: str) -> str:
    """JupyterLab's anchor for a Markdown heading: spaces become '-', the rest is kept."""
    return heading.strip().replace(" ", "-")


def sections() -> list[tuple[str, str, str, str]]:
    """(notebook number, notebook stem, heading, text) of every # / ## / ### section, in course order."""
    found = []
    for path in sorted(SOURCES.glob("[0-9][0-9]_*.py")):
        number, stem = path.stem[:2], path.stem
        heading, lines = None, []
        for line in path.read_text().splitlines():
            match = re.match(r"^# (#{1,3}) (.+)$", line)
            if match:
                if heading is not None:
                    found.append((number, stem, heading, "\n".join(lines)))
                heading, lines = match.group(2).strip(), []
            elif heading is not None:
                lines.append(line)
        if heading is not None:
            found.append((number, stem, heading, "\n".join(lines)))
    return found


SKIP = re.compile(r"^(Summary|Exercises|Solutions|References)\b")


def first_use(title: str, all_sections=None) -> tuple[str, str, str] | None:
    """(number, stem, heading) of the first lesson section using the term; None if no lesson uses it."""
    regexes = [re.compile(p, re.I) for p in patterns(title)]
    for number, stem, heading, text in all_sections or sections():
        if SKIP.match(heading):
            continue
        if any(r.search(heading) or r.search(text) for r in regexes):
            return number, stem, heading
    return None


def pointer(title: str, all_sections=None) -> str:
    """The pointer line an entry should carry."""
    use = first_use(title, all_sections)
    if use is None:
        return "*Introduced in:* not used in a notebook."
    number, stem, heading = use
    return f'*Introduced in:* [notebook {number}, "{heading}"](../notebooks/{stem}.ipynb#{anchor(heading)}).'


def problems() -> list[str]:
    """Every entry whose pointer is missing, stale, or names a heading that does not exist."""
    all_sections = sections()
    headings = {(stem, heading) for _, stem, heading, _ in all_sections}
    found = []
    for title, body in entries():
        lines = POINTER.findall(body)
        if len(lines) != 1:
            found.append(f"{title}: {len(lines)} 'Introduced in' lines, expected 1")
            continue
        for number, heading, stem, _ in LINK.findall(lines[0]):
            if (stem, heading) not in headings:
                found.append(f"{title}: points at a heading that does not exist: {stem} {heading!r}")
        if lines[0] != pointer(title, all_sections):
            found.append(f"{title}: {lines[0]!r} is not its first use; expected {pointer(title, all_sections)!r}")
    return found


def fix() -> int:
    """Rewrite every pointer to the term's first use; return how many changed."""
    text = GLOSSARY.read_text()
    all_sections = sections()
    changed = 0
    head, rest = text.split("## Terms", 1)
    terms, refs = rest.split("\n## References", 1)
    parts = re.split(r"(?m)^(?=### )", terms)
    out = []
    for part in parts:
        if part.startswith("### "):
            title = part.split("\n", 1)[0][4:].strip()
            new = pointer(title, all_sections)
            replaced = POINTER.sub(lambda m: new, part, count=1)
            if POINTER.search(part) is None:
                replaced = part.rstrip("\n") + "\n" + new + "\n\n"
            changed += replaced != part
            part = replaced
        out.append(part)
    GLOSSARY.write_text(head + "## Terms" + "".join(out) + "\n## References" + refs)
    return changed


def main(argv: list[str]) -> int:
    if argv[:1] == ["fix"]:
        print(f"{fix()} pointers rewritten")
        return 0
    if argv[:1] == ["check"]:
        found = problems()
        print("\n".join(found) or "every pointer names the term's first use")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
