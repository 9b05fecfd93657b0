#!/usr/bin/python3
"""Live RTSP test camera for local development and tests.

Serves a live, moving SMPTE test pattern (it scrolls, with a running clock; H.264 by
default; HEVC or MJPEG with --video) with an audible 440 Hz sine tone (AAC by default;
G.711 A-law with --audio pcma, none with --audio none) over RTSP using GStreamer's RTSP
server, bound to 127.0.0.1 only, so a content watch sees a moving picture with sound.  Prints
"READY rtsp://127.0.0.1:PORT/PATH" on stdout once it is serving.

--schedule makes the picture black or frozen, or the sound silent, for stretches of
seconds counted from the start (READY): "black@10-30,silent@30-50,frozen@50-70".  Each
change is printed as "CONTENT <conditions or normal> AT <seconds>" on stdout.  Frozen is
the same still picture sent again and again (no scrolling, no clock); black is a black
picture; silent is the tone at volume 0 (the audio track goes on).

Example:
    dev/test-camera.py --port 8554 --path /camera --user u --password p
    dev/test-camera.py --port 8554 --schedule black@20-28,silent@36-44,frozen@52-60
"""

import argparse
import signal
import sys
import time

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
    p.add_argument("--schedule", default="",
                   help="CONDITION@FROM-TO,... in seconds from the start: the picture goes black or frozen,"
                        " or the sound silent, for that stretch (e.g. black@10-30,silent@30-50,frozen@50-70)")
    args = p.parse_args(argv)
    try:
        args.schedule = parse_schedule(args.schedule)
    except ValueError as e:
        p.error("--schedule: %s" % e)

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


CONDITIONS = ("black", "frozen", "silent")


def parse_schedule(text):
    """"black@10-30,silent@30-50" -> [("black", 10.0, 30.0), ("silent", 30.0, 50.0)]."""
    stretches = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        try:
            condition, span = item.split("@")
            start, end = (float(x) for x in span.split("-"))
        except ValueError:
            raise ValueError("'%s' is not CONDITION@FROM-TO" % item)
        if condition not in CONDITIONS:
            raise ValueError("'%s': the condition is one of %s" % (item, ", ".join(CONDITIONS)))
        if not 0 <= start < end:
            raise ValueError("'%s': FROM must be before TO" % item)
        stretches.append((condition, start, end))
    return stretches


def conditions_at(schedule, seconds):
    return frozenset(c for c, start, end in schedule if start <= seconds < end)


# The picture moves: the pattern scrolls by this many pixels a frame, and a clock runs over it.
SCROLL_PIXELS = 4


def apply_conditions(pipeline, conditions):
    """Sets a running media's picture and sound to the conditions (properties change while it plays)."""
    video = pipeline.get_by_name("v")
    overlay = pipeline.get_by_name("t")
    audio = pipeline.get_by_name("a")
    still = "black" in conditions or "frozen" in conditions
    if video is not None:
        # A frozen camera sends the same picture: the solid-colour bars ("colors" holds no noise), not scrolling.
        video.set_property("pattern", "black" if "black" in conditions else "colors" if "frozen" in conditions else "smpte")
        video.set_property("horizontal-speed", 0 if still else SCROLL_PIXELS)
    if overlay is not None:
        overlay.set_property("silent", still)
    if audio is not None:
        audio.set_property("volume", 0.0 if "silent" in conditions else 0.8)


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
    overlay = " ! timeoverlay name=t" if Gst.ElementFactory.find("timeoverlay") else ""
    video = (
        "videotestsrc name=v is-live=true pattern=smpte horizontal-speed={speed}"
        " ! video/x-raw,width={w},height={h},framerate={fps}/1"
        "{overlay}"
        + VIDEO_ENCODERS[args.video]
    ).format(w=args.width, h=args.height, fps=args.fps, gop=args.gop, bitrate=args.bitrate, overlay=overlay,
             speed=SCROLL_PIXELS)
    if args.audio == "none":
        return "( " + video + " )"
    audio = "audiotestsrc name=a is-live=true wave=sine freq=440 volume=0.8" + AUDIO_ENCODERS[args.audio]
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

    # The schedule: every running media (one while shared, a new one after the last client left) follows it.
    started = time.monotonic()
    medias = []
    current = [frozenset()]

    def on_media_configure(_factory, media):
        pipeline = media.get_element()
        medias.append(pipeline)
        media.connect("unprepared", lambda *_: medias.remove(pipeline) if pipeline in medias else None)
        apply_conditions(pipeline, current[0])

    def follow_schedule():
        seconds = time.monotonic() - started
        now = conditions_at(args.schedule, seconds)
        if now != current[0]:
            current[0] = now
            for pipeline in medias:
                apply_conditions(pipeline, now)
            sys.stdout.write("CONTENT %s AT %.1f\n" % (",".join(sorted(now)) or "normal", seconds))
            sys.stdout.flush()
        return GLib.SOURCE_CONTINUE

    if not args.file:
        factory.connect("media-configure", on_media_configure)
        if args.schedule:
            GLib.timeout_add(100, follow_schedule)

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
