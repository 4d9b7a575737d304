from quiz_api.cli import main

main()
