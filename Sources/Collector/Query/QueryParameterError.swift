/// A query parameter of a read request that cannot be used, and what to send instead. The API answers it with 400
/// and the parameter's name in `field`.
struct QueryParameterError: Error, Sendable, Equatable {
    let parameter: String
    let message: String

    init(_ parameter: String, _ message: String) {
        self.parameter = parameter
        self.message = message
    }
}
