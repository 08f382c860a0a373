print("mediadaemon")
