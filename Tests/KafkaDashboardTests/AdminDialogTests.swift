import Testing

@testable import KafkaDashboard

/// Admin actions: nothing reaches the cluster before the user confirmed; read-only refuses them.
@Suite struct AdminDialogTests {
    @Test func createTopicIsConfirmedThenSentAndItsOutcomeShows() {
        var state = Fixtures.state()
        state.press(.character("C"))
        #expect(state.keyContext == .dialog)
        state.type("new-topic")
        state.press(.tab)
        state.type("6")
        state.press(.tab, .tab)
        state.type("retention.ms=123456, cleanup.policy=compact")
        #expect(state.press(.enter) == [])  // a confirmation first
        #expect(state.keyContext == .confirm)
        let text = render(state).screenText
        #expect(text.contains("Create topic new-topic?") && text.contains("partitions   6")
                && text.contains("retention.ms=123456, cleanup.policy=compact") && text.contains("replication  broker default"))
        let creation = TopicCreation(name: "new-topic", partitions: 6, configs: [
            ConfigSetting("retention.ms", "123456"), ConfigSetting("cleanup.policy", "compact"),
        ])
        #expect(state.press(.character("y")) == [.admin(.createTopic(creation))])
        #expect(render(state).screenText.contains("creating topic new-topic..."))
        state.apply(.adminCompleted(.createTopic(creation), .success(.done("created topic new-topic with 6 partitions"))))
        #expect(state.dialog == nil)
        #expect(state.status?.message == "created topic new-topic with 6 partitions")
    }

    @Test func badInputIsNamedAndNoKeepsEverythingAsItIs() {
        var state = Fixtures.state()
        state.press(.character("C"))
        state.press(.enter)
        #expect(state.dialog?.problem == "a topic needs a name")
        state.type("t")
        state.press(.tab)
        state.type("many")
        state.press(.enter)
        #expect(state.dialog?.problem == "partitions must be a positive number")
        #expect(render(state).screenText.contains("partitions must be a positive number"))
        state.press(.backspace, .backspace, .backspace, .backspace)
        state.type("2")
        state.press(.enter)
        #expect(state.press(.character("n")) == [])
        #expect(state.dialog == nil)
    }

    @Test func deletingATopicTakesItsNameTypedExactly() {
        var state = Fixtures.state()
        state.press(.character("D"))
        #expect(state.dialog?.title == "Delete topic orders")
        state.type("order")
        #expect(state.press(.enter) == [])
        #expect(state.dialog?.problem == "type orders exactly to delete it")
        state.type("s")
        #expect(state.press(.enter) == [.admin(.deleteTopic("orders"))])
        state.apply(.adminCompleted(.deleteTopic("orders"), .failure(DashboardFailureMessage("cannot delete topic 'orders': TOPIC_AUTHORIZATION_FAILED [29]"))))
        // Back to the form, with the broker's reason, and on the status line.
        #expect(state.dialog?.stage == .editing)
        #expect(state.dialog?.problem?.contains("TOPIC_AUTHORIZATION_FAILED") == true)
        #expect(state.status?.severity == .error)
    }

    @Test func addingPartitionsNeedsMoreThanThereAre() {
        var state = Fixtures.state()
        state.press(.character("A"))
        #expect(state.dialog?.fields.first?.text == "4")  // orders has 3
        state.press(.control("u"))
        state.type("3")
        state.press(.enter)
        #expect(state.dialog?.problem == "the new count must be a number above 3")
        state.press(.control("u"))
        state.type("8")
        state.press(.enter)
        #expect(state.press(.character("y")) == [.admin(.addPartitions(topic: "orders", totalCount: 8))])
    }

    @Test func anOffsetResetIsPreviewedThenAppliedAsShown() {
        var state = Fixtures.state(columns: 120, rows: 40)
        state.press(.character("6"))
        state.apply(.groups(ClusterViewsTests.groups(), atMillis: Fixtures.now))
        state.press(.character("j"))  // billing, committed on orders (the selected topic)
        state.press(.character("R"))
        #expect(state.dialog?.title == "Reset offsets of group billing")
        #expect(state.dialog?.fields[0].text == "orders")
        state.press(.tab, .right, .right)  // earliest -> latest -> timestamp
        state.press(.tab)
        state.type("-1h")
        let request = OffsetResetRequest(group: "billing", topic: "orders", mode: .timestamp(Fixtures.now - 3_600_000))
        #expect(state.press(.enter) == [.admin(.previewOffsetReset(request))])
        let preview = OffsetResetPreview(request: request, entries: [
            .init(topic: "orders", partition: 0, current: 100, new: 40),
            .init(topic: "orders", partition: 1, current: nil, new: 12),
        ])
        state.apply(.adminCompleted(.previewOffsetReset(request), .success(.preview(preview))))
        #expect(state.keyContext == .confirm)
        let lines = render(state).renderedText()
        #expect(lines.contains { $0.contains("orders[0]") && $0.contains("100 ->") && $0.contains("40") })
        #expect(lines.contains { $0.contains("orders[1]") && $0.contains("none ->") && $0.contains("12") })
        #expect(state.press(.character("y")) == [.admin(.applyOffsetReset(preview))])
        state.apply(.adminCompleted(.applyOffsetReset(preview), .success(.done("reset 2 partitions of group billing"))))
        #expect(state.dialog == nil && state.status?.message == "reset 2 partitions of group billing")
    }

    @Test func aResetOfAGroupWithMembersComesBackWithKafkasReason() {
        var state = Fixtures.state()
        state.press(.character("6"))
        state.apply(.groups(ClusterViewsTests.groups(), atMillis: Fixtures.now))
        state.press(.character("j"), .character("R"), .enter)
        let request = OffsetResetRequest(group: "billing", topic: "orders", mode: .earliest)
        let reason = "group 'billing' has 2 members (state Stable): Kafka changes the offsets of an empty group only; stop its consumers first"
        state.apply(.adminCompleted(.previewOffsetReset(request), .failure(DashboardFailureMessage(reason))))
        #expect(state.dialog?.problem == reason)
        #expect(render(state).screenText.contains("its consumers first"))
    }

    @Test func readOnlyRefusesEveryChangeAndSaysWhy() {
        var state = Fixtures.state()
        state.readOnly = true
        state.readOnlyReason = "profile prod"
        for key in ["C", "D", "A"] {
            #expect(state.press(.character(Character(key))) == [])
            #expect(state.dialog == nil)
        }
        #expect(state.status?.message == "read-only (profile prod): adding partitions is disabled")
        state.press(.character("6"))
        state.apply(.groups(ClusterViewsTests.groups(), atMillis: Fixtures.now))
        state.press(.character("R"))
        #expect(state.dialog == nil && state.status?.message.contains("resetting offsets is disabled") == true)
        state.press(.character("4"))
        #expect(state.press(.enter) == [] && state.press(.character("L")) == [])
        #expect(state.status?.message == "read-only (profile prod): the load generator is disabled")
        #expect(render(state).renderedText()[1].contains("READ-ONLY"))
    }
}
