/// Everything a key can ask for. The key table maps keys to these; the reducer carries them out.
public enum DashboardAction: Hashable, Sendable {
    // Moving around a list, a form or an overlay.
    case moveUp, moveDown, pageUp, pageDown, moveToTop, moveToBottom
    case focusNext, focusPrevious
    case focus(Pane)

    // Whole-screen actions.
    case showHelp, quit, redraw, togglePause, toggleZoom, back, startTopicFilter

    // Topics panel.
    case openTopic, toggleInternalTopics
    case createTopic, deleteTopic, addPartitions

    // Partitions panel.
    case sortPartitions(PartitionColumn)
    case tailSelectedPartition

    // Offsets view.
    case chooseGroup, refreshGroupOffsets

    // Send pane.
    case editField, sendMessage, toggleLoadGenerator

    // Tail pane.
    case openMessage, cycleValueFormat
    case tailFromBeginning, tailFromEnd, tailFromOffset, tailFromTime
    case tailNextPartition, tailPreviousPartition, tailAllPartitions, clearTail
    case startTailSearch, nextMatch, previousMatch, saveMessages

    // Message detail.
    case copyValue

    // Groups view and an opened group.
    case openGroup, startGroupFilter, sortGroups(GroupColumn), resetGroupOffsets

    // Topic configuration view.
    case refreshTopicConfig, startConfigFilter

    // Typing into a field (filter, form field, offset, group).
    case commitText, cancelText, deleteBackward, clearText, insertText

    // A form or a picker: fields, choices, submit.
    case nextField, previousField, nextChoice, previousChoice, submitForm

    // Confirming a change.
    case confirm

    // Help and message detail overlays.
    case closeOverlay
}
