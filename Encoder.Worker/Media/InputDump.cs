using System.Globalization;
using System.Text.RegularExpressions;

namespace Encoder.Media;

/// <summary>
/// Reads what the camera sends from the recorder's own stderr, so no second RTSP session is needed to learn it: once
/// FFmpeg has opened its first input it dumps it (at log level info, which the recorder runs at), e.g.
/// <code>
/// [info] Input #0, rtsp, from 'rtsp://…':
/// [info]   Stream #0:0: Video: h264 (Main), yuv420p(progressive), 1280x720, 30 fps, 30 tbr, 90k tbn
/// [info]   Stream #0:1: Audio: aac (LC), 48000 Hz, stereo, fltp
/// </code>
/// The dump is every indented line after <c>Input #0</c>; the first line that is not indented (the next input, the
/// output, or an error such as a map that matches nothing) ends it. Feed it each line (<see cref="Add"/>): the streams
/// come back once, when the dump ends, or at the end of the run (<see cref="End"/>) if the output never came.
/// </summary>
public sealed partial class InputDump
{
    private bool _inInput;
    private bool _done;
    private string? _videoCodec;
    private int? _width;
    private int? _height;
    private Audio? _audio;

    private sealed record Audio(string Codec, int? SampleRate, int? Channels, string? Profile);

    /// <summary>Takes one stderr line (with or without FFmpeg's <c>[level]</c> tag); returns the streams when this line ends the dump.</summary>
    public CameraStreams? Add(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (_done)
            return null;
        var text = LevelTag().Replace(line, "", 1);
        if (!_inInput)
        {
            _inInput = text.StartsWith("Input #0,", StringComparison.Ordinal);
            return null;
        }

        if (text.StartsWith(' ') || text.StartsWith('\t'))
        {
            Stream(text);
            return null;
        }

        return End();
    }

    /// <summary>The run ended: the streams of a dump that nothing followed, if any (null once they were returned).</summary>
    public CameraStreams? End()
    {
        if (_done || !_inInput)
            return null;
        _done = true;
        return _videoCodec is { } video
            ? new CameraStreams(video, _width, _height, _audio?.Codec, _audio?.SampleRate, _audio?.Channels, _audio?.Profile)
            : null;
    }

    private void Stream(string text)
    {
        if (StreamLine().Match(text) is not { Success: true } match)
            return;
        var codec = match.Groups["codec"].Value;
        var profile = match.Groups["profile"] is { Success: true } p ? p.Value : null;
        var details = match.Groups["details"].Value;
        if (match.Groups["type"].Value == "Video" && _videoCodec is null)
        {
            _videoCodec = codec;
            if (Size().Match(details) is { Success: true } size)
            {
                _width = Positive(size.Groups["w"].Value);
                _height = Positive(size.Groups["h"].Value);
            }
        }
        else if (match.Groups["type"].Value == "Audio" && _audio is null)
        {
            var rate = SampleRate().Match(details) is { Success: true } r ? Positive(r.Groups["rate"].Value) : null;
            _audio = new Audio(codec, rate, Channels(details), profile);
        }
    }

    /// <summary>FFmpeg 5.1 names a layout (<c>mono</c>, <c>stereo</c>, <c>5.1(side)</c>) or counts an unordered one (<c>2 channels</c>).</summary>
    private static int? Channels(string details)
    {
        foreach (var part in details.Split(',', StringSplitOptions.TrimEntries))
        {
            switch (part)
            {
                case "mono":
                    return 1;
                case "stereo":
                    return 2;
            }

            if (ChannelCount().Match(part) is { Success: true } count)
                return Positive(count.Groups["n"].Value);
        }

        return null;
    }

    private static int? Positive(string digits) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    [GeneratedRegex(@"^\[(?:quiet|panic|fatal|error|warning|info|verbose|debug|trace)\] ")]
    private static partial Regex LevelTag();

    /// <summary><c>  Stream #0:1[0x101](eng): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, …</c>: the type, the codec, its profile.</summary>
    [GeneratedRegex(@"^\s+Stream #0:\d+(?:\[0x[0-9a-fA-F]+\])?(?:\([^)]*\))?: (?<type>Video|Audio|Data|Subtitle|Attachment): (?<codec>[A-Za-z0-9_]+)(?: \((?<profile>[^)/]+)\))?(?<details>.*)$")]
    private static partial Regex StreamLine();

    [GeneratedRegex(@"(?:^|, )(?<w>\d{2,5})x(?<h>\d{2,5})(?:[ ,]|$)")]
    private static partial Regex Size();

    [GeneratedRegex(@", (?<rate>\d+) Hz")]
    private static partial Regex SampleRate();

    [GeneratedRegex(@"^(?<n>\d+) channels$")]
    private static partial Regex ChannelCount();
}
