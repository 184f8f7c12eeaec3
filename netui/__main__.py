"""`python -m netui` runs the same entry point as the `netui` script."""

from netui.cli import main

raise SystemExit(main())
