import EventStore
import Projections
import Testing

/// A read model's tables hold what its fold made of the log. When a fold
/// file (the projection's function in schema/functions or a helper it calls)
/// changes, the read model's version must change too, so that a database
/// folded by the old file is rebuilt at start-up instead of mixing the two.
@Suite("Fold files and read-model versions")
struct FoldVersionTests {
    /// Each read model's fold files (paths under schema/) with the SHA-256
    /// each had, and the read model's version, when this table was last
    /// brought up to date.
    static let folded: [(readModel: String, version: Int, files: [String: String])] = [
        (
            "votes", 9,
            [
                "functions/project_votes.sql": "d41ed9cfc77f67369313f7c22266afa91079f4a86f7758ce03a96a41d51f98b8",
                "functions/vote_cast_roles_v2.sql": "0240682c50bd221f45f648d682ed34c7cdfc805b06cb42f52e40c2edf60fc89f",
                "functions/sorted_role_set.sql": "733897636bcb38b1dc8c89bf6605d18e4ab03de9a10fbcb8856713107f556238",
                "functions/profile_segments.sql": "1c99c0dc66ca2730b430eae73555bf5553b3889c7ecd40a502b3aa873bdbf48f",
                "functions/jsonb_count.sql": "fc1f27937d25f7b8bef880798f11a80ee19cc99b1d420be0b2a00412395dcdde",
                "functions/segment_values.sql": "e93d983dbc47b2e5e9307a60ae3f30da3b1f73e76a7c136b197d4074ce507f94",
            ]
        ),
        (
            "campaigns", 3,
            ["functions/project_campaigns.sql": "1ebf68007ce349398452a3190b40d27e4ae3003899745b06179787b8d478320f"]
        ),
        (
            "workspaces", 2,
            [
                "functions/project_workspaces.sql": "a92a3805f9dc0339a7869641dc5d2465194a598571939fabb654e65b07fbc072",
                "functions/jsonb_count.sql": "fc1f27937d25f7b8bef880798f11a80ee19cc99b1d420be0b2a00412395dcdde",
            ]
        ),
    ]

    @Test("every read model's fold files are recorded, its own fold function among them")
    func everyReadModelRecorded() {
        #expect(Self.folded.map(\.readModel).sorted() == ProjectionCatalog.readModels.sorted())
        for record in Self.folded {
            #expect(record.files["functions/project_\(record.readModel).sql"] != nil, "\(record.readModel)")
            for path in record.files.keys {
                #expect(RepeatableMigration.embedded.contains { $0.path == path }, "no file schema/\(path)")
            }
        }
    }

    @Test("a changed fold file comes with a new read-model version", arguments: ProjectionCatalog.readModels)
    func changedFoldBumpsVersion(readModel: String) throws {
        let record = try #require(Self.folded.first { $0.readModel == readModel })
        let version = try #require(ProjectionCatalog.projections(of: readModel).first?.version)
        var current: [String: String] = [:]
        for path in record.files.keys {
            current[path] = RepeatableMigration.embedded.first { $0.path == path }?.checksum
        }
        let changed = record.files.keys.filter { current[$0] != record.files[$0] }.sorted()
        let newVersion = version == record.version ? version + 1 : version
        let files = current.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \"\($0.value)\"" }
        let entry = "(\"\(readModel)\", \(newVersion), [\(files.joined(separator: ", "))])"
        if !changed.isEmpty && version == record.version {
            Issue.record(
                """
                \(changed.map { "schema/\($0)" }.joined(separator: ", ")) changed since the \(readModel) read model \
                was folded at version \(version): its tables hold what the old fold made. Bump the \(readModel) \
                read model's `version:` (Sources/Projections/ReadModels) to \(newVersion), so that it is rebuilt \
                from the log at start-up, and record in FoldVersionTests.folded: \(entry). (A change that cannot \
                alter what the fold computes, such as a comment, may keep the version: record only the new hashes.)
                """)
        } else if version != record.version || !changed.isEmpty {
            Issue.record(
                "the \(readModel) read model is at version \(version): record in FoldVersionTests.folded: \(entry)")
        }
    }
}
