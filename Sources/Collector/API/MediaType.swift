import TextFormats

/// The media type of a `Content-Type` value, without its parameters (`charset=utf-8`), lowercased.
struct MediaType: Sendable, Equatable {
    let name: String

    init(_ contentType: String) {
        name = (contentType.split(separator: ";", maxSplits: 1).first ?? "").trimmingSpacesAndTabs().lowercased()
    }

    private init(name: String) {
        self.name = name
    }

    static let json = MediaType(name: "application/json")
    static let protobuf = MediaType(name: "application/x-protobuf")
    static let multipartFormData = MediaType(name: "multipart/form-data")
}
