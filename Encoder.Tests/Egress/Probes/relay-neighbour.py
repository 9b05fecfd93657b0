# A neighbour on the same host (run as another uid, e.g. nobody) trying the relay's endpoints. Prints one line.
#   read ENDPOINT          connect and read what comes unasked: "read N", "closed" (at once, nothing), "nothing", "refused: WHY"
#   send ENDPOINT HEX      send the bytes (hex): "sent N" or "refused: WHY"
# ENDPOINT: tcp:PORT | udp:PORT:FROMPORT (sent from that source port) | unix:PATH (a stream socket)
import socket, sys

verb, endpoint = sys.argv[1], sys.argv[2]
kind, _, rest = endpoint.partition(":")
try:
    if kind == "tcp":
        s = socket.create_connection(("127.0.0.1", int(rest)), timeout=3)
    elif kind == "udp":
        port, source = (int(p) for p in rest.split(":"))
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", source))
        s.connect(("127.0.0.1", port))
    elif kind == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(3)
        s.connect(rest)
    else:
        sys.exit("unknown endpoint " + endpoint)
    if verb == "read":
        s.settimeout(3)
        total, ended = 0, False
        try:
            while total < 1_000_000:
                chunk = s.recv(65536)
                if not chunk:
                    ended = True
                    break
                total += len(chunk)
        except socket.timeout:
            pass
        print(f"read {total}" if total else "closed" if ended else "nothing", flush=True)
    else:
        data = bytes.fromhex(sys.argv[3])
        for _ in range(20):
            s.sendall(data)
        print(f"sent {20 * len(data)}", flush=True)
except OSError as e:
    print(f"refused: {e.strerror or e}", flush=True)
