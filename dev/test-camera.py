#!/usr/bin/python3
"""Live RTSP test camera for local development and tests.

Serves a live SMPTE test pattern (H.264 by default; HEVC or MJPEG with --video)
with a 440 Hz sine tone (AAC by default; G.711 A-law with --audio pcma, none with
--audio none) over RTSP using GStreamer's RTSP server, bound to 127.0.0.1 only.  Prints
"READY rtsp://127.0.0.1:PORT/PATH" on stdout once it is serving.

Example:
    dev/test-camera.py --port 8554 --path /camera --user u --password p
"""

import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

BIND_ADDRESS = "127.0.0.1"
ROLE = "user"


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Live RTSP test camera (GStreamer RTSP server on 127.0.0.1).")
    p.add_argument("--port", type=int, required=True, help="RTSP port to listen on")
    p.add_argument("--path", default="/camera", help="mount path (default /camera)")
    p.add_argument("--user", help="RTSP Basic auth user (needs --password)")
    p.add_argument("--password", help="RTSP Basic auth password (needs --user)")
    p.add_argument("--width", type=int, default=640, help="video width (default 640)")
    p.add_argument("--height", type=int, default=360, help="video height (default 360)")
    p.add_argument("--fps", type=int, default=30, help="frames per second (default 30)")
    p.add_argument("--gop", type=int, default=30,
                   help="keyframe interval in frames, x264 key-int-max (default 30)")
    p.add_argument("--bitrate", type=int, default=800, help="video bitrate in kbit/s (default 800)")
    p.add_argument("--video", choices=("h264", "hevc", "mjpeg"), default="h264",
                   help="video codec the camera sends (default h264)")
    p.add_argument("--audio", choices=("aac", "pcma", "none"), default="aac",
                   help="audio codec the camera sends, or none (default aac)")
    p.add_argument("--no-audio", action="store_const", dest="audio", const="none",
                   help="video only (same as --audio none)")
    p.add_argument("--file",
                   help="serve this MP4 (H.264 + AAC) as it is, without encoding (~0%% CPU; ends with the file);"
                        " the picture, codec and audio options are then ignored")
    args = p.parse_args(argv)

    if not 1 <= args.port <= 65535:
        p.error("--port must be in 1..65535")
    for name in ("width", "height", "fps", "gop", "bitrate"):
        if getattr(args, name) <= 0:
            p.error("--%s must be positive" % name)
    if (args.user is None) != (args.password is None):
        p.error("--user and --password must be given together")
    if not args.path.startswith("/"):
        args.path = "/" + args.path
    return args


VIDEO_ENCODERS = {
    "h264": (" ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} bitrate={bitrate}"
             " ! h264parse config-interval=-1"
             " ! rtph264pay name=pay0 pt=96"),
    "hevc": (" ! x265enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} bitrate={bitrate}"
             " ! h265parse config-interval=-1"
             " ! rtph265pay name=pay0 pt=96 config-interval=-1"),
    # MJPEG has no bitrate or GOP: every frame is a keyframe.
    "mjpeg": " ! videoconvert ! video/x-raw,format=I420 ! jpegenc quality=50 ! rtpjpegpay name=pay0 pt=26",
}

AUDIO_ENCODERS = {
    "aac": (" ! audio/x-raw,rate=48000,channels=2"
            " ! audioconvert ! avenc_aac ! aacparse"
            " ! rtpmp4gpay name=pay1 pt=97"),
    "pcma": (" ! audio/x-raw,rate=8000,channels=1"
             " ! audioconvert ! alawenc"
             " ! rtppcmapay name=pay1 pt=8"),
}


def build_launch(args):
    if args.file:
        return ("( filesrc location=\"{f}\" ! qtdemux name=d"
                " d.video_0 ! queue ! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96"
                " d.audio_0 ! queue ! aacparse ! rtpmp4gpay name=pay1 pt=97 )").format(f=args.file)
    overlay = " ! timeoverlay" if Gst.ElementFactory.find("timeoverlay") else ""
    video = (
        "videotestsrc is-live=true pattern=smpte"
        " ! video/x-raw,width={w},height={h},framerate={fps}/1"
        "{overlay}"
        + VIDEO_ENCODERS[args.video]
    ).format(w=args.width, h=args.height, fps=args.fps, gop=args.gop, bitrate=args.bitrate, overlay=overlay)
    if args.audio == "none":
        return "( " + video + " )"
    audio = "audiotestsrc is-live=true wave=sine freq=440" + AUDIO_ENCODERS[args.audio]
    return "( " + video + "  " + audio + " )"


def main(argv):
    args = parse_args(argv)
    Gst.init(None)

    server = GstRtspServer.RTSPServer()
    server.set_address(BIND_ADDRESS)
    server.set_service(str(args.port))

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(build_launch(args))
    factory.set_shared(True)

    if args.user is not None:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", ROLE)
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
        server.set_auth(auth)
        factory.add_role_from_structure(Gst.Structure.new_from_string(
            ROLE + ", media.factory.access=(boolean)true,"
            " media.factory.construct=(boolean)true"))

    server.get_mount_points().add_factory(args.path, factory)

    loop = GLib.MainLoop()
    if server.attach(None) == 0:
        sys.stderr.write("test-camera: cannot listen on %s:%d (port in use?)\n"
                         % (BIND_ADDRESS, args.port))
        return 1

    def on_signal(*_):
        loop.quit()
        return GLib.SOURCE_REMOVE

    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGTERM, on_signal)
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, on_signal)

    def announce():
        # Runs once the main loop is dispatching, i.e. the server is serving.
        sys.stdout.write("READY rtsp://%s:%d%s\n" % (BIND_ADDRESS, args.port, args.path))
        sys.stdout.flush()
        return GLib.SOURCE_REMOVE

    GLib.idle_add(announce)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
