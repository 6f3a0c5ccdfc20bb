#!/usr/bin/env python
"""Django's manage.py, for those who expect it; `caravan` does the same."""

from caravan.cli import main

if __name__ == "__main__":
    main()
