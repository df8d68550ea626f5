import CTLS
import Glibc

/// TLS over a `ClientSocket` with OpenSSL, for an `https://` collector (Caddy in front of it): the certificate must
/// chain to the system's trust store, or to `caFile` when given, and name the host.
final class TLSStream {
    private let socket: ClientSocket
    // Owned by this object alone and used by one thread; freed in deinit.
    private let context: OpaquePointer
    private let connection: OpaquePointer

    init(socket: ClientSocket, host: String, caFile: String?, deadline: Deadline) throws(ClientError) {
        self.socket = socket
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw ClientError("OpenSSL: \(Self.openSSLError())") }
        self.context = context
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        _ = SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_2_VERSION), nil)
        if let caFile {
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                SSL_CTX_free(context)
                throw ClientError("cannot read the CA certificates in \(caFile): \(Self.openSSLError())")
            }
        } else {
            SSL_CTX_set_default_verify_paths(context)
        }
        guard let connection = SSL_new(context) else {
            SSL_CTX_free(context)
            throw ClientError("OpenSSL: \(Self.openSSLError())")
        }
        self.connection = connection
        SSL_set_fd(connection, socket.fd)
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 || inet_pton(AF_INET6, host, &ipv6) == 1 {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(connection), host)
        } else {
            host.withCString { name in
                _ = SSL_ctrl(connection, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name),
                             UnsafeMutableRawPointer(mutating: name))
            }
            SSL_set1_host(connection, host)
        }
        try perform("the TLS handshake", deadline: deadline) { SSL_connect(connection) }
    }

    deinit {
        SSL_free(connection)
        SSL_CTX_free(context)
    }

    func write(_ bytes: [UInt8], deadline: Deadline) throws(ClientError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { chunk in
                Result { () throws(ClientError) in
                    try perform("sending", deadline: deadline) {
                        SSL_write(connection, chunk.baseAddress, Int32(clamping: chunk.count))
                    }
                }
            }
            offset += Int(try written.get())
        }
    }

    /// Reads what has arrived into `buffer`; 0 at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(ClientError) -> Int {
        Int(try perform("waiting for the answer", deadline: deadline, endOfStreamIsZero: true) {
            SSL_read(connection, buffer.baseAddress, Int32(clamping: buffer.count))
        })
    }

    /// Runs an OpenSSL call until it stops asking to wait for the socket.
    @discardableResult
    private func perform(
        _ activity: String, deadline: Deadline, endOfStreamIsZero: Bool = false, _ call: () -> Int32
    ) throws(ClientError) -> Int32 {
        while true {
            ERR_clear_error()
            let result = call()
            if result > 0 { return result }
            let error = SSL_get_error(connection, result)
            switch error {
            case SSL_ERROR_WANT_READ:
                try socket.wait(for: Int16(POLLIN), deadline: deadline, doing: activity)
            case SSL_ERROR_WANT_WRITE:
                try socket.wait(for: Int16(POLLOUT), deadline: deadline, doing: activity)
            case SSL_ERROR_ZERO_RETURN where endOfStreamIsZero:
                return 0
            default:
                let verification = SSL_get_verify_result(connection)
                if verification != X509_V_OK {
                    throw ClientError("the collector's certificate was refused: "
                                      + String(cString: X509_verify_cert_error_string(verification)))
                }
                throw ClientError("TLS error while \(activity): \(Self.openSSLError())")
            }
        }
    }

    private static func openSSLError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "connection closed" }
        var text = [UInt8](repeating: 0, count: 256)
        text.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { ERR_error_string_n(code, $0.baseAddress, $0.count) }
        }
        return String(decoding: text.prefix { $0 != 0 }, as: UTF8.self)
    }
}
