from pilotbook.cli.main import run

run()
