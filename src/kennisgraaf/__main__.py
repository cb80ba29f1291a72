"""`python -m kennisgraaf`: the same as the `kennisgraaf` command."""

from .cli import main

main()
