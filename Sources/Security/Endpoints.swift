/// Whether a ZeroMQ endpoint is reachable only from this host: loopback TCP, `ipc://` or `inproc://`.
public func isLoopbackEndpoint(_ endpoint: String) -> Bool {
    if endpoint.hasPrefix("inproc://") || endpoint.hasPrefix("ipc://") { return true }
    for prefix in ["tcp://127.", "tcp://localhost:", "tcp://[::1]:"] where endpoint.hasPrefix(prefix) { return true }
    return false
}
