package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every link of the README resolves inside the repository (issue 20, item 11): a newcomer reads
 * it first, often from a checkout without network, so it points at files of the checkout, and a
 * {@code #section} at a heading that exists.
 */
class ReadmeLinksTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Inline links and images, {@code [text](target)}, and reference definitions, {@code [id]: target}. */
    static final Pattern INLINE = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    static final Pattern REFERENCE = Pattern.compile("(?m)^\\s{0,3}\\[[^\\]]+\\]:\\s*(\\S+)");
    static final Pattern AUTOLINK = Pattern.compile("<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\\s]*)>");

    @Test
    void everyLinkOfTheReadmeResolvesInTheRepository() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        String text = withoutCode(readme);
        List<String> targets = new ArrayList<>();
        for (Pattern p : List.of(INLINE, REFERENCE, AUTOLINK)) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                targets.add(m.group(1));
            }
        }
        assertThat(targets).as("the README's links").contains("docs/DESIGN.md", "SECURITY.md");
        List<String> broken = new ArrayList<>();
        for (String target : targets) {
            if (target.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                broken.add(target + ": leaves the repository");
                continue;
            }
            int hash = target.indexOf('#');
            String file = hash < 0 ? target : target.substring(0, hash);
            String anchor = hash < 0 ? null : target.substring(hash + 1);
            Path resolved = file.isEmpty() ? ROOT.resolve("README.md") : ROOT.resolve(file).normalize();
            if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
                broken.add(target + ": no such file in the repository");
            } else if (anchor != null && !anchors(resolved).contains(anchor)) {
                broken.add(target + ": no heading '" + anchor + "' in " + ROOT.relativize(resolved));
            }
        }
        assertThat(broken).as("links of README.md that do not resolve").isEmpty();
    }

    @Test
    void theCheckReadsHeadingsAndLeavesCodeAlone() throws IOException {
        // the check itself: GitHub's anchors of headings, and code spans left alone
        assertThat(anchors(ROOT.resolve("README.md"))).contains("two-commands", "embedding-a-peer");
        assertThat(withoutCode("see `[x](nowhere.md)` and\n```\n[y](nowhere.md)\n```\n")).doesNotContain("nowhere");
    }

    /** The text without fenced code blocks and code spans, where brackets are not links. */
    static String withoutCode(String markdown) {
        return markdown.replaceAll("(?ms)^```.*?^```[^\\n]*$", "").replaceAll("`[^`\\n]*`", "");
    }

    /** The anchors GitHub gives the headings of a Markdown file: lower case, punctuation dropped, spaces to '-'. */
    static Set<String> anchors(Path markdown) throws IOException {
        if (!markdown.toString().endsWith(".md")) {
            return Set.of();
        }
        return withoutCode(Files.readString(markdown, StandardCharsets.UTF_8)).lines()
                .filter(l -> l.matches("#{1,6} .*"))
                .map(l -> l.replaceFirst("#{1,6} ", "").strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
    }
}
