from atmos_auth.cli.main import main

main()
