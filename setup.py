"""Packaging for crl_nb: all metadata is read from settings.ini (the single source of the version)."""
import shutil
from configparser import ConfigParser
from pathlib import Path

import setuptools
from setuptools.command.build_py import build_py

here = Path(__file__).parent
config = ConfigParser(delimiters=["="])
config.read(here / "settings.ini", encoding="utf-8")
cfg = config["DEFAULT"]

licenses = {"apache2": ("Apache Software License 2.0", "OSI Approved :: Apache Software License")}
lic = licenses[cfg["license"]]
requirements = cfg.get("requirements", "").split()
extras = {name: cfg.get(f"{name}_requirements", "").split() for name in ("data", "notebooks", "docs", "ray")}
extras["dev"] = cfg.get("dev_requirements", "").split() + extras["data"] + extras["notebooks"] + extras["docs"]
scripts = [s.strip() for s in cfg.get("console_scripts", "").split("\n") if s.strip()]



class build_py_with_notebooks(build_py):
    "Also ship the experiment notebooks and the report notebook, as crl_nb/_notebooks/{experiments,reports}/."
    def run(self):
        super().run()
        for sub in ("experiments", "reports"):
            dst = Path(self.build_lib) / cfg["lib_path"] / "_notebooks" / sub
            dst.mkdir(parents=True, exist_ok=True)
            for nb in sorted((here / cfg["nbs_path"] / sub).glob("*.ipynb")):
                if not nb.name.startswith(("_", ".")): shutil.copy2(nb, dst / nb.name)


setuptools.setup(
    name=cfg["lib_name"],
    version=cfg["version"],
    description=cfg["description"],
    long_description=(here / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    author=cfg["author"],
    license=lic[0],
    classifiers=[
        "Development Status :: 3 - Alpha",
        "Intended Audience :: Science/Research",
        f"License :: {lic[1]}",
        "Natural Language :: English",
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
    keywords=cfg["keywords"].split(),
    packages=setuptools.find_packages(include=["crl_nb", "crl_nb.*"]),
    include_package_data=True,
    install_requires=requirements,
    extras_require=extras,
    python_requires=f">={cfg['min_python']}",
    zip_safe=False,
    cmdclass={"build_py": build_py_with_notebooks},
    entry_points={"console_scripts": scripts, "nbdev": [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
)
