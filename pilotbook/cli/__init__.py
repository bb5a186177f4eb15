"""Every command-line adapter: the `pilotbook` console command (`main`), its subcommands (`analysis`, `power`,
`pool`), what they share (`support`) and the base of the management commands (`commands`). Nothing below imports
from here (docs/cli.md)."""
