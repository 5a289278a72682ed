print("kfast")
