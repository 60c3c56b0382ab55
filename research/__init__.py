"""Diagnosis and one-off measurements around the model recipe: not part of it.

The recipe (training/, what training/recipe.sh runs) never imports this package; these scripts
import the recipe's modules. Run them from the repository root, e.g.
`PYTHONPATH=. .venv/bin/python -m research.diagnose`. What they found: docs/experiments/.
"""
