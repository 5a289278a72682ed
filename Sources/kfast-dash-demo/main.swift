// DEVELOPMENT AID: runs the dashboard against SyntheticDataSource (made-up data, no Kafka) so the UI can
// be tried, screenshotted and driven from tmux before `kfast dash` is wired to the client.
//
//     swift run kfast-dash-demo [--partitions N] [--flood N] [dashboard options]
//     swift run -c release kfast-dash-demo --bench [--columns C --rows R --frames N]

import KafkaDashboard

#if canImport(Glibc)
    import Glibc
#endif

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print("""
        kfast-dash-demo: the dashboard on synthetic data (development aid, not Kafka).
          --partitions N   partitions of the big topic (default 1000)
          --flood N        msg/s the big topic's tail produces (default 4000)
          --bench          time frame building instead of opening the terminal UI
        \(DashboardOptions.usage)
        """)
    exit(0)
}

func takeNumber(_ flag: String, from arguments: inout [String], default value: Int) -> Int {
    guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count, let number = Int(arguments[index + 1])
    else { return value }
    arguments.removeSubrange(index...index + 1)
    return number
}

var settings = SyntheticDataSource.Settings()
settings.bigTopicPartitions = takeNumber("--partitions", from: &arguments, default: settings.bigTopicPartitions)
settings.floodRate = takeNumber("--flood", from: &arguments, default: settings.floodRate)

if let index = arguments.firstIndex(of: "--bench") {
    arguments.remove(at: index)
    let columns = takeNumber("--columns", from: &arguments, default: 200)
    let rows = takeNumber("--rows", from: &arguments, default: 60)
    let frames = takeNumber("--frames", from: &arguments, default: 2000)
    await FrameBenchmark.run(settings: settings, columns: columns, rows: rows, frames: frames)
    exit(0)
}

do {
    let (options, unused) = try DashboardOptions.parse(arguments)
    if !unused.isEmpty {
        StandardError.write("unknown arguments: \(unused.joined(separator: " "))\n")
        exit(2)
    }
    let status = try await DashboardApp.run(source: SyntheticDataSource(settings: settings), options: options)
    exit(status)
} catch {
    StandardError.write("kfast-dash-demo: \(error)\n")
    exit(1)
}
