import Foundation
import Support
import Yams

/// Loads a YAML design file (schema in docs/design-format.md) into a `LoadedDesign`: the network with every
/// precision resolved, and the schedule options with the device profile the design names.
public enum DesignLoader {
    /// Reads and checks the design at `url`. The device profile `<device>.yml` is searched in
    /// `profileSearchPaths`, then `PIPEWRIGHT_PROFILES`, `<design dir>/../Profiles`, `<current directory>/Profiles`
    /// and the bundled profiles (`DeviceProfileLoader.searchPaths`).
    public static func load(_ url: URL, profileSearchPaths: [URL] = []) throws(DesignError) -> LoadedDesign {
        let text: String
        if url.isFileURL, FileProblem.isDirectory(url.path) {
            throw .unreadableFile(path: displayPath(url), reason: "it is a folder, not a design file (give a .yml file, e.g. Designs/flow_vt.yml)")
        }
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .unreadableFile(path: displayPath(url), reason: FileProblem.describe(error, path: url.path))
        }
        return try load(yaml: text, source: url, profileSearchPaths: profileSearchPaths)
    }

    /// Parses design text as if it had been read from `source` (which sets the folder that relative
    /// `{file: …}` paths and the profile search start from, and the name used in messages).
    public static func load(yaml text: String, source: URL,
                            profileSearchPaths: [URL] = []) throws(DesignError) -> LoadedDesign {
        let file = displayPath(source)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw DesignError.malformedYAML(DesignLocation(file: file), problem: "the file is empty")
            }
            root = node
        } catch let error as DesignError {
            throw error
        } catch let error as YamlError {
            throw malformed(error, file: file)
        } catch {
            throw .malformedYAML(DesignLocation(file: file), problem: "\(error)")
        }
        var parser = DesignParser(file: file, source: source,
                                  profileSearchPaths: DeviceProfileLoader.searchPaths(explicit: profileSearchPaths,
                                                                                      designFile: source))
        return try parser.parse(YAMLCursor(node: root, file: file))
    }

    static func displayPath(_ url: URL) -> String {
        url.isFileURL ? url.relativePath : url.absoluteString
    }

    private static func malformed(_ error: YamlError, file: String) -> DesignError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let detail = context.map { "\(problem) (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? problem
            return .malformedYAML(DesignLocation(file: file, line: mark.line, column: mark.column), problem: detail)
        case let .duplicatedKeysInMapping(duplicates, context):
            return .malformedYAML(DesignLocation(file: file, line: context.mark.line, column: context.mark.column),
                                  problem: "duplicate keys \(duplicates.joined(separator: ", ")) in one mapping")
        case let .reader(problem, offset, _, _):
            return .malformedYAML(DesignLocation(file: file),
                                  problem: problem + (offset.map { " at byte \($0)" } ?? ""))
        default:
            return .malformedYAML(DesignLocation(file: file), problem: "\(error)")
        }
    }
}
