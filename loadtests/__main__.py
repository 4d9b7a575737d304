from loadtests.cli import app

app(prog_name="python -m loadtests")
