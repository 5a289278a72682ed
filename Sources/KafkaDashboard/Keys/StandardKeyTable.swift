// The dashboard's key bindings, following htop/k9s/lazygit habits: Tab/Shift-Tab between panes,
// arrows and j/k, g/G, PgUp/PgDn, "/" to filter, Esc to back out, "?" for help, "q" to quit.

extension KeyTable {
    public static let standard = KeyTable([
        (.global, globalBindings),
        (.topics, topicBindings),
        (.partitions, partitionBindings),
        (.offsets, offsetBindings),
        (.send, sendBindings),
        (.tail, tailBindings),
        (.textEntry, textEntryBindings),
        (.help, helpBindings),
        (.messageDetail, messageDetailBindings),
    ])

    private static let listNavigation: [KeyBinding] = [
        KeyBinding([.character("k"), .up], "Move up", .navigation, action: .moveUp),
        KeyBinding([.character("j"), .down], "Move down", .navigation, action: .moveDown),
        KeyBinding([.pageUp, .control("b")], "Page up", .navigation, action: .pageUp),
        KeyBinding([.pageDown, .control("f")], "Page down", .navigation, action: .pageDown),
        KeyBinding([.character("g"), .home], "Go to top", .navigation, action: .moveToTop),
        KeyBinding([.character("G"), .end], "Go to bottom (tail: follow newest)", .navigation, action: .moveToBottom),
    ]

    private static let globalBindings: [KeyBinding] = listNavigation + [
        KeyBinding([.tab], "Next pane", .navigation, hint: "pane", action: .focusNext),
        KeyBinding([.backTab], "Previous pane", .navigation, action: .focusPrevious),
        KeyBinding([.character("1")], "Topics pane", .navigation, action: .focus(.topics)),
        KeyBinding([.character("2")], "Partitions pane", .navigation, action: .focus(.partitions)),
        KeyBinding([.character("3")], "Offsets view", .navigation, action: .focus(.offsets)),
        KeyBinding([.character("4")], "Send pane", .navigation, action: .focus(.send)),
        KeyBinding([.character("5")], "Tail pane", .navigation, action: .focus(.tail)),
        KeyBinding([.character("/")], "Filter topics", .view, hint: "filter", action: .startTopicFilter),
        KeyBinding([.escape], "Back: clear filter, leave zoom", .view, action: .back),
        KeyBinding([.character("+")], "Zoom the focused pane", .view, hint: "zoom", action: .toggleZoom),
        KeyBinding([.character("p")], "Pause or resume live updates and the tail", .view, hint: "pause",
                   action: .togglePause),
        KeyBinding([.control("l")], "Redraw the screen", .view, action: .redraw),
        KeyBinding([.character("?"), .function(1)], "Help", .view, hint: "help", action: .showHelp),
        KeyBinding([.character("q")], "Quit", .action, hint: "quit", action: .quit),
    ]

    private static let topicBindings: [KeyBinding] = [
        KeyBinding([.enter], "Open topic: show partitions and tail it", .action, hint: "open", action: .openTopic),
        KeyBinding([.character("i")], "Show or hide internal topics", .view, hint: "internal",
                   action: .toggleInternalTopics),
    ]

    private static let partitionBindings: [KeyBinding] = [
        KeyBinding([.enter], "Tail this partition", .action, hint: "tail", action: .tailSelectedPartition),
    ] + PartitionColumn.allCases.compactMap { column in
        guard let key = column.sortKey else { return nil }
        return KeyBinding([.character(key)], "Sort by \(column.helpName) (again: reverse)", .sorting,
                          hint: column == .partition ? "sort \(sortKeysSummary)" : nil,
                          action: .sortPartitions(column))
    }

    /// "PLOWMFIRBASTE": every sort key, for the hint bar.
    private static var sortKeysSummary: String {
        String(PartitionColumn.allCases.compactMap(\.sortKey))
    }

    private static let offsetBindings: [KeyBinding] = [
        KeyBinding([.character("c")], "Choose consumer group", .action, hint: "group", action: .chooseGroup),
        KeyBinding([.character("r")], "Refresh committed offsets", .action, hint: "refresh",
                   action: .refreshGroupOffsets),
    ]

    private static let sendBindings: [KeyBinding] = [
        KeyBinding([.character("e"), .character(" ")], "Edit field (codec: next codec)", .editing, hint: "edit",
                   action: .editField),
        KeyBinding([.enter], "Send one message", .action, hint: "send", action: .sendMessage),
        KeyBinding([.character("L")], "Start or stop the load generator", .action, hint: "load",
                   action: .toggleLoadGenerator),
    ]

    private static let tailBindings: [KeyBinding] = [
        KeyBinding([.enter], "Open message with headers", .action, hint: "open", action: .openMessage),
        KeyBinding([.character("v")], "Value as text, hex or JSON", .view, hint: "text/hex/json",
                   action: .cycleValueFormat),
        KeyBinding([.character("b")], "Tail from the beginning", .action, action: .tailFromBeginning),
        KeyBinding([.character("e")], "Tail from the end", .action, hint: "from b/e/o/t", action: .tailFromEnd),
        KeyBinding([.character("o")], "Tail from an offset", .action, action: .tailFromOffset),
        KeyBinding([.character("t")], "Tail from a time (e.g. -5m, 2024-05-01T12:00)", .action,
                   action: .tailFromTime),
        KeyBinding([.character("]")], "Next partition", .action, action: .tailNextPartition),
        KeyBinding([.character("[")], "Previous partition", .action, hint: "[ ] partition",
                   action: .tailPreviousPartition),
        KeyBinding([.character("a")], "All partitions", .action, action: .tailAllPartitions),
        KeyBinding([.character("x")], "Clear scrollback", .action, action: .clearTail),
    ]

    private static let textEntryBindings: [KeyBinding] = [
        KeyBinding([.enter], "Accept", .editing, hint: "accept", action: .commitText),
        KeyBinding([.escape], "Cancel", .editing, hint: "cancel", action: .cancelText),
        KeyBinding([.backspace, .delete], "Delete the last character", .editing, action: .deleteBackward),
        KeyBinding([.control("u")], "Clear the field", .editing, hint: "clear", action: .clearText),
        KeyBinding([], "Type text", .editing, keyLabel: "any character", action: .insertText),
    ]

    private static let helpBindings: [KeyBinding] = [
        KeyBinding([.escape, .character("?"), .character("q"), .function(1)], "Close help", .view, hint: "close",
                   action: .closeOverlay),
        KeyBinding([.character("k"), .up], "Scroll up", .navigation, action: .moveUp),
        KeyBinding([.character("j"), .down], "Scroll down", .navigation, hint: "scroll", action: .moveDown),
        KeyBinding([.pageUp], "Page up", .navigation, action: .pageUp),
        KeyBinding([.pageDown, .character(" ")], "Page down", .navigation, action: .pageDown),
        KeyBinding([.character("g"), .home], "Top", .navigation, action: .moveToTop),
        KeyBinding([.character("G"), .end], "Bottom", .navigation, action: .moveToBottom),
    ]

    private static let messageDetailBindings: [KeyBinding] = [
        KeyBinding([.escape, .enter, .character("q")], "Close", .view, hint: "close", action: .closeOverlay),
        KeyBinding([.character("v")], "Value as text, hex or JSON", .view, hint: "text/hex/json",
                   action: .cycleValueFormat),
        KeyBinding([.character("k"), .up], "Scroll up", .navigation, action: .moveUp),
        KeyBinding([.character("j"), .down], "Scroll down", .navigation, hint: "scroll", action: .moveDown),
        KeyBinding([.pageUp], "Page up", .navigation, action: .pageUp),
        KeyBinding([.pageDown, .character(" ")], "Page down", .navigation, action: .pageDown),
        KeyBinding([.character("g"), .home], "Top", .navigation, action: .moveToTop),
        KeyBinding([.character("G"), .end], "Bottom", .navigation, action: .moveToBottom),
    ]
}
