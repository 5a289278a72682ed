import KafkaFast

// The consumer-group side of `kfast consume` (-g GROUP, --threads N). A placeholder until the
// group consumer lands; the group work replaces this whole file.
extension ConsumeCommand {
    func runGroupConsume() async throws {
        throw CLIError.runtime("consumer groups: not built yet")
    }
}
