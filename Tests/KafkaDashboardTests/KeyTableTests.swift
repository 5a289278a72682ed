import Testing

@testable import KafkaDashboard

@Suite struct KeyTableTests {
    @Test func standardTableIsValid() {
        #expect(KeyTable.standard.validate() == [])
    }

    @Test func duplicateKeysInOneContextAreReported() {
        let table = KeyTable([
            (.global, [KeyBinding([.character("q")], "Quit", .action, action: .quit)]),
            (.topics, [KeyBinding([.character("x")], "One", .action, action: .openTopic),
                       KeyBinding([.character("x")], "Two", .action, action: .toggleInternalTopics)]),
        ])
        #expect(table.validate() == [.duplicateKey(.character("x"), .topics, ["One", "Two"])])
    }

    @Test func aPaneKeyShadowingAGlobalKeyIsReported() {
        let table = KeyTable([
            (.global, [KeyBinding([.character("q")], "Quit", .action, action: .quit)]),
            (.tail, [KeyBinding([.character("q")], "Something else", .action, action: .clearTail)]),
        ])
        #expect(table.validate() == [.duplicateKey(.character("q"), .tail, ["Something else", "Quit"])])
    }

    @Test func tabWithoutShiftTabIsReported() {
        let table = KeyTable([(.help, [KeyBinding([.tab], "Next", .navigation, action: .focusNext)])])
        #expect(table.validate() == [.tabWithoutBackTab(.help)])
    }

    @Test func paneContextsFallBackToGlobalButModalOnesDoNot() {
        let table = KeyTable.standard
        #expect(table.binding(for: .character("q"), in: .partitions)?.action == .quit)
        #expect(table.binding(for: .character("q"), in: .textEntry) == nil)  // typing "q" must not quit
        #expect(table.binding(for: .character("q"), in: .help)?.action == .closeOverlay)
        #expect(table.binding(for: .backTab, in: .tail)?.action == .focusPrevious)
    }

    @Test func everyRequiredConventionIsBound() {
        let table = KeyTable.standard
        let expectations: [(Key, DashboardAction)] = [
            (.tab, .focusNext), (.backTab, .focusPrevious), (.character("j"), .moveDown), (.character("k"), .moveUp),
            (.down, .moveDown), (.up, .moveUp), (.character("g"), .moveToTop), (.character("G"), .moveToBottom),
            (.pageUp, .pageUp), (.pageDown, .pageDown), (.escape, .back),
            (.character("+"), .toggleZoom), (.character("p"), .togglePause), (.character("q"), .quit),
            (.control("l"), .redraw), (.character("?"), .showHelp),
        ]
        for (key, action) in expectations {
            #expect(table.binding(for: key, in: .global)?.action == action, "\(key.displayName)")
        }
        // "/" filters or searches the list in front of you; panes without a list of their own filter topics.
        let slash: [(KeyContext, DashboardAction)] = [
            (.topics, .startTopicFilter), (.partitions, .startTopicFilter), (.offsets, .startTopicFilter),
            (.send, .startTopicFilter), (.brokers, .startTopicFilter), (.tail, .startTailSearch),
            (.groups, .startGroupFilter), (.configs, .startConfigFilter),
        ]
        for (context, action) in slash {
            #expect(table.binding(for: .character("/"), in: context)?.action == action, "/ in \(context)")
        }
        // Every pane has its number key, in Tab order.
        for pane in Pane.allCases {
            #expect(table.binding(for: .character(Character(String(pane.rawValue + 1))), in: .global)?.action == .focus(pane))
        }
    }

    @Test func everyPartitionColumnWithDataHasASortKey() throws {
        for column in PartitionColumn.allCases where column != .sparkline {
            let key = try #require(column.sortKey)
            #expect(KeyTable.standard.binding(for: .character(key), in: .partitions)?.action == .sortPartitions(column))
        }
    }

    @Test func helpListsEveryBindingOfEveryContext() {
        let lines = HelpContent.lines(.standard)
        for (context, bindings) in KeyTable.standard.contexts {
            #expect(lines.contains(.heading(context.title)))
            for binding in bindings {
                #expect(lines.contains(.binding(keys: binding.keysDisplay, label: binding.label)), "\(binding.label)")
            }
        }
    }
}
