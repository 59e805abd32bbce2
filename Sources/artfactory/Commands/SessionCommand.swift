import ArgumentParser
import ArtFactoryProtocol

/// `artfactory session create|list|show`.
struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Create and inspect sessions (trees of generations; pass --session to generate).",
        subcommands: [Create.self, List.self, Show.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a session and print its id.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Session name.") var name: String
        @Option(help: "Project id.") var project: String?
        func run() throws {
            let s = try global.connect().call(SessionCreate.self, .init(name: name, project: project))
            if global.json { return Console.json(try JSONValueEncoder().encode(s)) }
            Console.out(s.id)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sessions.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this project's sessions.") var project: String?
        func run() throws {
            let r = try global.connect().call(SessionList.self, .init(project: project))
            if global.json { return Console.json(try JSONValueEncoder().encode(r)) }
            Console.table(["ID", "NAME", "PROJECT"], r.sessions.map { [$0.id, $0.name, $0.projectId ?? ""] })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Draw a session's tree of generations.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Session id.") var id: String
        func run() throws {
            let r = try global.connect().call(SessionGet.self, .init(id: id))
            if global.json { return Console.json(try JSONValueEncoder().encode(r)) }
            Console.out("\(r.session.name) (\(r.session.id))")
            for line in SessionCommand.tree(r.nodes) { Console.out(line) }
        }
    }

    /// Draws nodes as a tree: roots are nodes whose parent is not in the session.
    static func tree(_ nodes: [SessionNode]) -> [String] {
        let ids = Set(nodes.map(\.generationId))
        var children: [String: [SessionNode]] = [:]
        for node in nodes { children[node.parentId.flatMap { ids.contains($0) ? $0 : nil } ?? "", default: []].append(node) }
        var lines: [String] = []
        func draw(_ node: SessionNode, prefix: String, last: Bool) {
            let steps = node.parameters["steps"]?.intValue.map { " \($0) steps" } ?? ""
            let time = node.durationMs.map { " \(Console.duration(Double($0) / 1000))" } ?? ""
            lines.append(prefix + (last ? "└─ " : "├─ ") + "\(node.generationId) [\(node.status)] \"\(node.prompt)\" seed \(node.seed.map(String.init) ?? "?")\(steps)\(time), \(node.assetIds.count) image(s)")
            let kids = children[node.generationId] ?? []
            for (i, kid) in kids.enumerated() { draw(kid, prefix: prefix + (last ? "   " : "│  "), last: i == kids.count - 1) }
        }
        let roots = children[""] ?? []
        for (i, root) in roots.enumerated() { draw(root, prefix: "", last: i == roots.count - 1) }
        return lines
    }
}
