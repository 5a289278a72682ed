print("KafkaBench: not yet implemented")
