from normmonitor.manage import main

main()
