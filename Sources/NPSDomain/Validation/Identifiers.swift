/// Workspace ids (Rocket.Chat's `uniqueId`) and campaign ids end up in stream
/// names and URLs, so their alphabet is fixed.
public enum Identifiers {
    public static func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= Limits.idLength
            && id.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || "-_.".unicodeScalars.contains(scalar))
            }
    }
}
