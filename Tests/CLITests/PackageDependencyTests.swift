import Foundation
import Testing

/// Every module a target imports is one of its declared dependencies or reached through them.
///
/// SwiftPM builds a target after its declared dependencies only. A test target that imports a module it does not
/// declare still builds whenever some other target happened to build that module first, so the build passes or fails
/// with the order two cores pick: stop 16's clean-clone CI failed with "no such module 'Reports'" in CrossCheckTests
/// although the same clean clone had passed here. This test reads `Package.swift` and the sources and fails on the
/// missing edge every time.
struct PackageDependencyTests {
    struct Target {
        let name: String
        let folder: String
        let dependencies: [String]
    }

    /// The targets of `Package.swift`, with the quoted names in their `dependencies: [...]` (products included; they
    /// are not targets and drop out of the closure).
    static func targets(in manifest: String) throws -> [Target] {
        let declaration = try Regex(#"\.(target|testTarget|executableTarget|systemLibrary)\(\s*name:\s*"([A-Za-z0-9]+)""#)
        var targets: [Target] = []
        for match in manifest.matches(of: declaration) {
            let kind = String(match.output[1].substring!)
            let name = String(match.output[2].substring!)
            var dependencies: [String] = []
            // The declaration runs to its closing parenthesis; the dependency list may span lines.
            var depth = 1
            var index = match.range.upperBound
            while index < manifest.endIndex, depth > 0 {
                if manifest[index] == "(" { depth += 1 } else if manifest[index] == ")" { depth -= 1 }
                index = manifest.index(after: index)
            }
            let body = manifest[match.range.upperBound..<index]
            if let list = body.range(of: "dependencies:") {
                let tail = body[list.upperBound...]
                if let open = tail.firstIndex(of: "["), let close = tail.firstIndex(of: "]") {
                    dependencies = tail[open..<close].matches(of: try Regex(#""([A-Za-z0-9-]+)""#))
                        .map { String($0.output[1].substring!) }
                }
            }
            let folder = kind == "testTarget" ? "Tests/\(name)" : "Sources/\(name)"
            targets.append(Target(name: name, folder: folder, dependencies: dependencies))
        }
        return targets
    }

    @Test func everyImportedTargetIsADeclaredDependency() throws {
        let root = CommandLineErrorTests.root
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let targets = try Self.targets(in: manifest)
        let byName = Dictionary(uniqueKeysWithValues: targets.map { ($0.name, $0) })
        #expect(targets.count >= 25, "the manifest parse found \(targets.count) targets")
        #expect(byName["CrossCheckTests"]?.dependencies.contains("CrossCheck") == true)

        func closure(of name: String) -> Set<String> {
            var seen: Set<String> = []
            var stack = byName[name]?.dependencies ?? []
            while let next = stack.popLast() {
                if seen.insert(next).inserted { stack += byName[next]?.dependencies ?? [] }
            }
            return seen
        }

        let importLine = try Regex(#"(?m)^(?:@testable\s+)?import\s+([A-Za-z0-9_]+)"#)
        var checkedImports = 0
        for target in targets {
            let folder = root.appendingPathComponent(target.folder)
            guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { continue }
            let reachable = closure(of: target.name)
            for case let file as URL in files where file.pathExtension == "swift" {
                let source = try String(contentsOf: file, encoding: .utf8)
                for match in source.matches(of: importLine) {
                    let module = String(match.output[1].substring!)
                    guard byName[module] != nil, module != target.name else { continue }
                    checkedImports += 1
                    #expect(reachable.contains(module),
                            "\(target.folder)/\(file.lastPathComponent) imports \(module), which \(target.name) does not declare (directly or through its dependencies) in Package.swift")
                }
            }
        }
        #expect(checkedImports > 100, "only \(checkedImports) imports of package targets were found")
    }
}
