from badgepress.cli.main import main

main()
