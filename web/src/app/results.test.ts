import { describe, expect, it } from "vitest";
import { mediaUrl, readConfig } from "./config";
import { cleanCitations, hasResults, pickPortrait, pickResults, pickSpeech, pickVideos, readAnswer } from "./results";
import { API, artifact, session } from "./test-support";

describe("picking artifacts", () => {
  const artifacts = [
    artifact("audio", "input-audio"),
    artifact("transcript", "transcript"),
    artifact("image", "portrait"),
    artifact("audio", "answer-speech"),
    artifact("video", "lipsync-video"),
  ];

  it("finds the portrait, the spoken answer and the video, never the uploaded recording", () => {
    expect(pickPortrait(artifacts)?.id).toBe("image-portrait");
    expect(pickSpeech(artifacts)?.id).toBe("audio-answer-speech");
    expect(pickVideos(artifacts).map((video) => video.id)).toEqual(["video-lipsync-video"]);
    expect(pickSpeech([artifact("audio", "input-audio"), artifact("audio", "input-speech")])).toBeNull();
    expect(pickPortrait([artifact("image", "input-portrait")])).toBeNull();
  });

  it("takes a conversation's newest reply when there is no answer speech, and every turn's video in turn order", () => {
    const conversation = [
      artifact("audio", "turn-1-reply"),
      artifact("audio", "turn-2-reply"),
      artifact("audio", "turn-10-reply"),
      artifact("video", "turn-10-video"),
      artifact("video", "turn-2-video"), // renders may finish out of order
      artifact("video", "turn-1-video"),
      artifact("video", "conversation-video"),
    ];
    expect(pickSpeech(conversation)?.role).toBe("turn-10-reply");
    expect(pickVideos(conversation).map((video) => video.role)).toEqual(["turn-1-video", "turn-2-video", "turn-10-video", "conversation-video"]);
  });
});

describe("pickResults", () => {
  it("shows a finished search session with its media under the API's origin", () => {
    const view = pickResults(
      session({
        status: "completed",
        transcript: "What is the tallest mountain?",
        intent: "search",
        results: {
          answer: {
            text: "Mount Everest, 8,849 m.",
            spokenText: "Mount Everest.",
            citations: [
              { title: "Mount Everest - Wikipedia", url: "https://en.wikipedia.org/wiki/Mount_Everest", startIndex: 0, endIndex: 13 },
              { title: "again", url: "https://en.wikipedia.org/wiki/Mount_Everest", startIndex: 14, endIndex: 20 },
              { title: "bad", url: "javascript:alert(1)", startIndex: 0, endIndex: 1 },
            ],
            reused: false,
          },
        },
        artifacts: [artifact("audio", "input-audio"), artifact("audio", "answer-speech"), artifact("video", "lipsync-video")],
      }),
      {},
      API,
    );
    expect(view).toEqual({
      transcript: "What is the tallest mountain?",
      prompt: null,
      intent: "search",
      portraitUrl: null,
      answer: {
        text: "Mount Everest, 8,849 m.",
        citations: [{ title: "Mount Everest - Wikipedia", url: "https://en.wikipedia.org/wiki/Mount_Everest" }],
        reused: false,
      },
      speechUrl: "http://localhost:5080/api/media/audio-answer-speech?expires=1764785000&sig=abc",
      videos: [{ url: "http://localhost:5080/api/media/video-lipsync-video?expires=1764785000&sig=abc", role: "lipsync-video", label: "Lip-synced video" }],
    });
  });

  it("shows an avatar session's portrait", () => {
    const view = pickResults(session({ kind: "prompt", prompt: "Draw me as a pirate", intent: "avatar", artifacts: [artifact("image", "portrait")] }), {}, API);
    expect(view.prompt).toBe("Draw me as a pirate");
    expect(view.portraitUrl).toBe("http://localhost:5080/api/media/image-portrait?expires=1764785000&sig=abc");
    expect(view.answer).toBeNull();
  });

  it("labels a conversation's videos by turn", () => {
    const view = pickResults(session({ status: "completed", intent: "conversation", artifacts: [artifact("video", "turn-2-video"), artifact("video", "turn-1-video")] }), {}, API);
    expect(view.videos.map(({ label, role }) => [label, role])).toEqual([
      ["Turn 1", "turn-1-video"],
      ["Turn 2", "turn-2-video"],
    ]);
    expect(hasResults({ ...pickResults(null, {}, API), videos: view.videos })).toBe(true);
  });

  it("falls back to what the events said until the session is loaded", () => {
    const live = { transcript: "hello", intent: "conversation", answer: { text: "hi", citations: [], reused: true } };
    expect(pickResults(null, live, API)).toMatchObject({ transcript: "hello", intent: "conversation", answer: live.answer, videos: [] });
    expect(hasResults(pickResults(null, {}, API))).toBe(false);
    expect(hasResults(pickResults(null, live, API))).toBe(true);
  });
});

describe("answers and links", () => {
  it("reads results.answer only when it has the expected shape", () => {
    expect(readAnswer(null)).toBeNull();
    expect(readAnswer({ conversation: {} })).toBeNull();
    expect(readAnswer({ answer: { text: 42 } })).toBeNull();
    expect(readAnswer({ answer: { text: "ok" } })).toEqual({ text: "ok", citations: [], reused: false });
  });

  it("titles a citation by its host when it has no title", () => {
    expect(cleanCitations([{ title: " ", url: "https://example.org/a" }, "junk", { url: "data:text/html,hi" }])).toEqual([
      { title: "example.org", url: "https://example.org/a" },
    ]);
  });

  it("prefixes relative media links with the API base, once", () => {
    expect(mediaUrl("http://localhost:5080", "/api/media/1?sig=x")).toBe("http://localhost:5080/api/media/1?sig=x");
    expect(mediaUrl("http://localhost:5080/", "api/media/1")).toBe("http://localhost:5080/api/media/1");
    expect(mediaUrl("http://localhost:5080", "https://cdn.example/1")).toBe("https://cdn.example/1");
  });

  it("reads the configuration with its defaults", () => {
    expect(readConfig({})).toEqual({ apiBase: "http://localhost:5080", token: "deckard-dev-key" });
    expect(readConfig({ VITE_DECKARD_API: " https://deckard.example/ ", VITE_DECKARD_TOKEN: "dk_live" })).toEqual({
      apiBase: "https://deckard.example",
      token: "dk_live",
    });
    expect(readConfig({ VITE_DECKARD_API: "", VITE_DECKARD_TOKEN: "" }).apiBase).toBe("http://localhost:5080");
  });
});
