print("aiscreen")
