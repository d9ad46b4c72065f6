package dev.assay.assembler;

import dev.assay.avro.Finding;
import dev.assay.avro.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flags text that addresses the model rather than describing the code (OWASP LLM01, indirect prompt injection via
 * repository files): instruction overrides, role reassignment, requests for the system prompt, approval or verdict
 * manipulation, secrecy towards the user, and shell commands that ship local data to a URL. Each hit is a
 * {@link Finding} with check {@value #CHECK}, the rule's name as message (never the matched text, which is
 * attacker-controlled and may be long), the path and the 1-based line.
 *
 * <p>Nothing is removed: the content stays in the context as data, and the flags travel with it so the generator can
 * fence it and the verifier's risk gate can require a human. Severity is HIGH for exfiltration and approval
 * manipulation (the attacks with a direct effect), MEDIUM otherwise.
 *
 * <p>Hidden text counts: zero-width and other invisible format characters are removed before matching (so
 * "ign\u200Bore previous instructions" matches), Unicode tag characters (U+E0020–U+E007E, "ASCII smuggling") are
 * decoded to the ASCII they stand for, and a hit inside an HTML comment or carried by invisible characters says so.
 * Phrases may span line breaks; the line reported is the one where the hit starts. A line gives at most one finding,
 * the most severe rule that matched it.
 *
 * <p>The rules need the phrasing of an instruction, not just its words, so that ordinary documentation ("ignore the
 * build directory", "the system prompts for a password", "send a POST request to http://localhost") is not flagged.
 * One deliberate exception: a download piped into a shell ({@code curl … | sh}) is flagged (MEDIUM) even in an
 * install section of a README, because a model that copies it into generated code runs a remote script.
 */
public final class InjectionDetector {
    /** The {@code check} of every finding this detector makes. */
    public static final String CHECK = "prompt-injection";

    private static final String ADDRESSEE = "(?:ai|llm|model|assistant|language\\s+model|code\\s+generator|agent|copilot|chatgpt|gpt|claude|codex|bot)";
    private static final List<Rule> RULES = List.of(
            new Rule("instruction override ('ignore previous instructions')", Severity.MEDIUM,
                    "\\b(?:ignore|disregard|forget|override|bypass|skip)\\s+(?:(?:all|any|each|every|the|your|of|these|those|my)\\s+)*"
                            + "(?:previous|prior|above|earlier|preceding|foregoing|original|initial|system|existing)\\s+"
                            + "(?:instructions?|prompts?|directions?|directives?|rules|guidelines|guardrails|constraints|context|messages?|commands?)\\b",
                    "ignore", "disregard", "forget", "override", "bypass", "skip"),
            new Rule("instruction override ('disregard the above')", Severity.MEDIUM,
                    "\\b(?:ignore|disregard|forget)\\s+(?:all\\s+(?:of\\s+)?|everything\\s+)?(?:the\\s+|what\\s+is\\s+|what's\\s+)?"
                            + "(?:above|foregoing|preceding)(?=\\s*(?:$|[.,;:!)]|\\band\\b|\\binstead\\b))",
                    "ignore", "disregard", "forget"),
            new Rule("role reassignment ('you are now ...')", Severity.MEDIUM,
                    "\\byou\\s+are\\s+(?:now|no\\s+longer)\\s+(?:(?:a|an|the|my|in|operating\\s+in)\\s+)?(?:(?:new|different|unrestricted|unfiltered|"
                            + "uncensored|jailbroken|evil|helpful|malicious|rogue|root|admin|developer|god|debug)\\b|dan\\b|" + ADDRESSEE + "\\b|"
                            + "(?:bound|restricted|limited|required)\\s+by\\b)"
                            + "|\\bfrom\\s+now\\s+on,?\\s+you\\s+(?:are|will|must|shall|should)\\b"
                            + "|\\b(?:pretend|act)\\s+(?:to\\s+be|as\\s+if\\s+you\\s+(?:are|were)|as)\\s+(?:an?\\s+)?(?:unrestricted|unfiltered|jailbroken|evil|dan\\b)",
                    "you are", "from now on", "pretend", "act as"),
            new Rule("system prompt reference", Severity.MEDIUM,
                    "\\b(?:your|new|updated|real|actual|hidden|reveal|print|show|output|repeat|leak|ignore|override|replace)\\s+"
                            + "(?:(?:the|your|original|full|entire)\\s+)*system\\s+(?:prompt|message|instructions)\\b"
                            + "|<\\|im_start\\|>\\s*system|<<sys>>|\\[/?system\\]\\s*:?|<\\|system\\|>",
                    "system prompt", "system message", "system instruction", "system\n", "system  ", "system\t",
                    "<<sys>>", "<|im_start|>", "[system]", "[/system]", "<|system|>"),
            new Rule("model self-reference ('as an AI language model')", Severity.MEDIUM,
                    "\\bas\\s+an?\\s+(?:ai|llm|large\\s+language\\s+model)(?:\\s+(?:language\\s+model|assistant|model)\\b|\\s*,)",
                    "as an ai", "as a ", "as an llm", "as a large"),
            new Rule("message addressed to the model", Severity.MEDIUM,
                    "\\b(?:note|attention|message|instructions?|important\\s+instructions?|hey|dear)\\s+(?:to|for)?\\s*(?:the\\s+|any\\s+|all\\s+)?"
                            + ADDRESSEE + "s?\\s*(?:reading\\s+this|reviewing\\s+this)?\\s*[:!]",
                    "note", "attention", "message", "instruction", "hey", "dear"),
            new Rule("concealment from the user ('do not tell the user')", Severity.MEDIUM,
                    "\\b(?:do\\s+not|don'?t|never|without)\\s+(?:tell(?:ing)?|inform(?:ing)?|mention(?:ing)?\\s+(?:this\\s+|it\\s+)?to|"
                            + "reveal(?:ing)?\\s+(?:this\\s+|it\\s+)?to|alert(?:ing)?|notify(?:ing)?|warn(?:ing)?)\\s+(?:the\\s+|your\\s+)?"
                            + "(?:user|human|developer|reviewer|operator|requester)s?\\b",
                    "user", "human", "developer", "reviewer", "operator", "requester"),
            new Rule("approval manipulation ('approve this change')", Severity.HIGH,
                    "\\b(?:approve|accept|auto-?approve|merge|lgtm)\\s+this\\s+(?:change|changes|request|pr|pull\\s+request|merge\\s+request|"
                            + "patch|diff|commit|code|generation|submission)\\b"
                            + "|\\b(?:mark|report|flag|treat|consider|record|set)\\s+(?:this|these|the|all|every|its|any)\\s+(?:\\w+\\s+)?"
                            + "(?:tests?|checks?|builds?|runs?|changes?|verification|verdict|result|review|request|risk)\\s+(?:as|to)\\s+"
                            + "(?:pass(?:ed|ing)?|green|success(?:ful)?|succeeded|safe|approved|low(?:[\\s-]risk)?|none)\\b",
                    "approve", "accept", "merge", "lgtm", "mark", "report", "flag", "treat", "consider", "record", "set"),
            new Rule("exfiltration: local data piped to a network tool", Severity.HIGH,
                    "\\b(?:git\\s+(?:show|diff|log|archive|format-patch|bundle)|cat|env|printenv|set|tar|zip|base64|history)\\b"
                            + "[^\\n|]*\\|\\s*(?:curl|wget|nc|ncat|netcat|socat|telnet|ssh|scp)\\b",
                    "curl", "wget", "|nc", "| nc", "ncat", "netcat", "socat", "telnet", "|ssh", "| ssh", "|scp", "| scp"),
            new Rule("exfiltration: file or environment uploaded by curl/wget", Severity.HIGH,
                    "\\b(?:curl|wget)\\b[^\\n]*?(?:\\s(?:-d|--data(?:-binary|-raw|-urlencode)?|-F|--form|-T|--upload-file|--post-file)[\\s=]*"
                            + "[\"']?(?:@|[^\\s\"']*=@|\\$\\(|`|\\$\\{?[A-Z_]*(?:KEY|TOKEN|SECRET|PASSWORD)))",
                    "curl", "wget"),
            new Rule("exfiltration: instruction to send data to a URL", Severity.HIGH,
                    "\\b(?:send|post|upload|exfiltrate|forward|leak|transmit|email|copy)\\s+(?:(?:the|all|your|its|this|my|every|any|of|"
                            + "repository's|repo's|user's)\\s+)*(?:contents?|secrets?|credentials?|keys?|tokens?|env(?:ironment)?(?:\\s+variables)?|"
                            + "passwords?|source(?:\\s+code)?|code|codebase|ssh\\s+keys?|\\.env|history|git\\s+history|api\\s+keys?|cookies?|"
                            + "session|repository|repo)\\b[^\\n]{0,120}?\\b(?:to|at|into)\\s+<?https?://",
                    "http"),
            new Rule("remote script piped to a shell ('curl ... | sh')", Severity.MEDIUM,
                    "\\b(?:curl|wget|iwr|invoke-webrequest)\\b[^\\n|]*\\|\\s*(?:sudo\\s+(?:-\\S+\\s+)*)?(?:ba|z|da|k|c|tc|fi)?sh\\b"
                            + "|\\b(?:bash|sh|zsh)\\s+(?:-c\\s+)?[\"']?(?:<\\(|\\$\\()\\s*(?:curl|wget)\\b"
                            + "|\\b(?:curl|wget)\\b[^\\n|]*\\|\\s*(?:sudo\\s+)?python[0-9.]*\\s*(?:-\\s*)?(?:$|[;&)\\n])",
                    "curl", "wget", "iwr", "invoke-webrequest"));

    private static final Pattern HTML_COMMENT = Pattern.compile("<!--[\\s\\S]*?(?:-->|\\z)");

    private final int maxFindings;

    /** A detector that lists at most {@code maxFindings} findings per call (the rest are counted in one summary finding). */
    public InjectionDetector(int maxFindings) {
        if (maxFindings < 1) {
            throw new IllegalArgumentException("maxFindings must be positive");
        }
        this.maxFindings = maxFindings;
    }

    /** A detector listing at most 100 findings per scan, which keeps a context record well under Kafka's 1 MiB. */
    public InjectionDetector() {
        this(100);
    }

    /** The findings in one text, in order of position; {@code path} is recorded as given. */
    public List<Finding> scan(String path, String content) {
        List<Finding> out = new ArrayList<>();
        scanInto(path, content, out);
        return out;
    }

    /**
     * Scans every {@code (path, content)} pair and returns their findings, listing at most the configured maximum;
     * when there are more, the list ends with one finding saying how many were left out, and {@link Scan#total()}
     * counts them all.
     */
    public Scan scanAll(List<Text> texts) {
        List<Finding> all = new ArrayList<>();
        for (Text text : texts) {
            scanInto(text.path(), text.content(), all);
        }
        if (all.size() <= maxFindings) {
            return new Scan(List.copyOf(all), all.size());
        }
        List<Finding> listed = new ArrayList<>(all.subList(0, maxFindings - 1));
        int rest = all.size() - listed.size();
        boolean anyHigh = all.subList(maxFindings - 1, all.size()).stream().anyMatch(f -> f.getSeverity() == Severity.HIGH);
        listed.add(finding(anyHigh ? Severity.HIGH : Severity.MEDIUM,
                rest + " more prompt-injection hits not listed", null, null));
        return new Scan(List.copyOf(listed), all.size());
    }

    /** One text to scan. */
    public record Text(String path, String content) {
    }

    /** The listed findings and the number of hits, which exceeds the list's size when some were left out. */
    public record Scan(List<Finding> findings, int total) {
    }

    private void scanInto(String path, String content, List<Finding> out) {
        if (content == null || content.isEmpty()) {
            return;
        }
        Normalized text = Normalized.of(content);
        String lower = text.text().toLowerCase(Locale.ROOT);
        List<int[]> comments = null;
        List<Hit> hits = new ArrayList<>();
        for (Rule rule : RULES) {
            if (!rule.mayMatch(lower)) {
                continue;
            }
            Matcher m = rule.pattern().matcher(text.text());
            int lastLine = -1;
            while (m.find()) {
                int start = text.original(m.start());
                int line = text.lineOf(start);
                if (line == lastLine) {
                    continue;
                }
                lastLine = line;
                if (comments == null) {
                    comments = commentRanges(text.text());
                }
                boolean inComment = within(comments, m.start());
                boolean hidden = text.hiddenBetween(m.start(), m.end());
                hits.add(new Hit(m.start(), line, rule.name() + (inComment ? ", in an HTML comment" : "")
                        + (hidden ? ", hidden with invisible characters" : ""), rule.severity()));
            }
        }
        hits.sort(java.util.Comparator.comparingInt(Hit::position));
        // One finding per line: a single command often matches two rules (a pipe to curl that also uploads stdin).
        java.util.Map<Integer, Hit> byLine = new java.util.LinkedHashMap<>();
        for (Hit h : hits) {
            byLine.merge(h.line(), h, (kept, next) -> next.severity().ordinal() > kept.severity().ordinal() ? next : kept);
        }
        for (Hit h : byLine.values()) {
            out.add(finding(h.severity(), h.message(), path, h.line()));
        }
    }

    private static List<int[]> commentRanges(String text) {
        List<int[]> ranges = new ArrayList<>();
        Matcher m = HTML_COMMENT.matcher(text);
        while (m.find()) {
            ranges.add(new int[] {m.start(), m.end()});
        }
        return ranges;
    }

    private static boolean within(List<int[]> ranges, int position) {
        for (int[] r : ranges) {
            if (position >= r[0] && position < r[1]) {
                return true;
            }
        }
        return false;
    }

    private static Finding finding(Severity severity, String message, String path, Integer line) {
        return Finding.newBuilder().setCheck(CHECK).setSeverity(severity).setMessage(message).setPath(path).setLine(line).build();
    }

    private record Hit(int position, int line, String message, Severity severity) {
    }

    private record Rule(String name, Severity severity, Pattern pattern, List<String> triggers) {
        Rule(String name, Severity severity, String regex, String... triggers) {
            this(name, severity, Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.MULTILINE), List.of(triggers));
        }

        /** A cheap substring test first: most files contain none of a rule's words, and the regex is the costly part. */
        boolean mayMatch(String lowerText) {
            for (String t : triggers) {
                if (lowerText.contains(t)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The content with invisible format characters removed and tag characters decoded, and for each of its chars the
     * offset in the original, so hits map back to original lines.
     */
    private record Normalized(String text, int[] offsets, int[] lineStarts, boolean[] hiddenAt) {
        static Normalized of(String content) {
            if (!needsNormalizing(content)) {
                // The common case: no copy, identity offsets.
                return new Normalized(content, null, lineStarts(content), null);
            }
            StringBuilder sb = new StringBuilder(content.length());
            int[] offsets = new int[content.length() + 1];
            // hiddenAt[i]: invisible characters were removed just before normalized char i, or char i was decoded from a tag.
            boolean[] hidden = new boolean[content.length() + 1];
            boolean pendingHidden = false;
            for (int i = 0; i < content.length(); ) {
                int cp = content.codePointAt(i);
                int width = Character.charCount(cp);
                if (cp >= 0xE0020 && cp <= 0xE007E) {
                    offsets[sb.length()] = i;
                    hidden[sb.length()] = true;
                    sb.append((char) (cp - 0xE0000));
                } else if (invisible(cp)) {
                    pendingHidden = true;
                } else {
                    for (int k = 0; k < width; k++) {
                        offsets[sb.length() + k] = i;
                    }
                    hidden[sb.length()] = pendingHidden;
                    pendingHidden = false;
                    sb.appendCodePoint(cp);
                }
                i += width;
            }
            offsets[sb.length()] = content.length();
            return new Normalized(sb.toString(), offsets, lineStarts(content), hidden);
        }

        private static boolean needsNormalizing(String content) {
            for (int i = 0; i < content.length(); i++) {
                char c = content.charAt(i);
                // Every invisible character handled here is at or above U+00AD; tag characters are surrogate pairs.
                if (c >= 0x00AD && (Character.isSurrogate(c) || invisible(c))) {
                    return true;
                }
            }
            return false;
        }

        /** Zero-width spaces and joiners, word joiner, BOM, soft hyphen, bidi controls, tag range ends. */
        private static boolean invisible(int cp) {
            return cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF || cp == 0x00AD
                    || cp == 0x180E || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)
                    || cp == 0xE0001 || cp == 0xE007F;
        }

        private static int[] lineStarts(String s) {
            int[] starts = new int[16];
            int n = 0;
            starts[n++] = 0;
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) == '\n') {
                    if (n == starts.length) {
                        starts = Arrays.copyOf(starts, n * 2);
                    }
                    starts[n++] = i + 1;
                }
            }
            return Arrays.copyOf(starts, n);
        }

        int original(int normalizedIndex) {
            return offsets == null ? normalizedIndex : offsets[normalizedIndex];
        }

        /** 1-based line of an offset in the original. */
        int lineOf(int originalOffset) {
            int i = Arrays.binarySearch(lineStarts, originalOffset);
            return (i >= 0 ? i : -i - 2) + 1;
        }

        boolean hiddenBetween(int start, int end) {
            if (hiddenAt == null) {
                return false;
            }
            for (int i = start; i < end; i++) {
                if (hiddenAt[i]) {
                    return true;
                }
            }
            return false;
        }
    }
}
