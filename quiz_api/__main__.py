from quiz_api.cli.main import main

main()
