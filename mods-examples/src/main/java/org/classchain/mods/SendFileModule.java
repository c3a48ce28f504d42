package org.classchain.mods;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.classchain.Command;
import org.classchain.mods.host.FolderInbox;
import org.classchain.mods.host.InboxDelivery;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.FileTransferService;
import org.classchain.spi.host.InboxService;
import org.classchain.spi.host.NoticeService;

/**
 * {@code send-file}: puts a file into the peer's inbox folder, in one of two forms.
 * <ul>
 * <li>Inline, for small files: {@code content} (base64, at most {@value #MAX_BYTES} bytes) and
 *     its {@code sha256}; the bytes are in the block.</li>
 * <li>Off the chain, for files of any size: {@code size}, {@code sha256}, {@code root} (the
 *     manifest root) and {@code from} (the teacher's peer that holds it); the block carries only
 *     that, and the peer's {@link FileTransferService} fetches the bytes in checked chunks from
 *     the teacher's peer and classmates. {@code classchain send send-file --file F} uploads F to
 *     the teacher's peer and sends this form.</li>
 * </ul>
 * The name must be a plain file name: no folders, no {@code ..}, no control characters, not
 * hidden, not a Windows device name; an existing file is never overwritten, the new one is saved
 * as {@code name (2).ext} and so on. The file appears complete and checked or not at all, and
 * the student gets a notice ({@link NoticeService}) when it lands.
 *
 * <p>Timing: the module waits for a fetch at most {@link #WAIT}, so that a big file does not
 * hold up the commands after it (the dispatcher runs them in order). A fetch done by then gets a
 * receipt with its bytes and hash; a longer one gets "still fetching" and goes on in the
 * background, and the notice says when it lands or why it could not. Uses the peer's
 * {@link InboxService}, else {@link FolderInbox#inHome()}; works the same without a display.
 */
public final class SendFileModule implements CommandModule {
    /** The largest file it takes inline, in bytes (256 KiB). */
    public static final int MAX_BYTES = 256 * 1024;
    /** How long {@code execute} waits for a fetch before it answers "still fetching". */
    public static final Duration WAIT = Duration.ofSeconds(20);
    static final int MAX_NAME_CHARS = 120;
    static final int MAX_NAME_BYTES = 200;
    private static final int MAX_ENCODED = 4 * ((MAX_BYTES + 2) / 3);
    private static final String WINDOWS_FORBIDDEN = "<>:\"/\\|?*";
    private static final Set<String> WINDOWS_DEVICES = Set.of("con", "prn", "aux", "nul",
            "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    /** A module with nothing to configure: what {@link java.util.ServiceLoader} creates. */
    public SendFileModule() {
    }

    @Override
    public String name() {
        return "send-file";
    }

    @Override
    public String description() {
        return "Put a file into the students' inbox folder";
    }

    @Override
    public List<ArgumentSpec> arguments() {
        return List.of(
                ArgumentSpec.required("name", ArgumentType.STRING, "the file name, without folders"),
                ArgumentSpec.required("sha256", ArgumentType.SHA256, "SHA-256 of the file, hex"),
                ArgumentSpec.optional("content", ArgumentType.BASE64, null,
                        "inline form: the file, base64, at most 256 KiB decoded"),
                ArgumentSpec.optional("size", ArgumentType.INTEGER, null, "off-chain form: the file's size in bytes"),
                ArgumentSpec.optional("root", ArgumentType.SHA256, null,
                        "off-chain form: SHA-256 of the file's manifest (its chunks' digests)"),
                ArgumentSpec.optional("chunk-size", ArgumentType.INTEGER, "1048576", "off-chain form: bytes per chunk"),
                ArgumentSpec.optional("from", ArgumentType.URL, null, "off-chain form: the teacher's peer that holds it"));
    }

    /** Long enough for {@link #WAIT} and saving: a fetch past it goes on in the background. */
    @Override
    public Duration timeout() {
        return WAIT.plusSeconds(25);
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) throws IOException {
        String name = argument(command, "name");
        String content = argument(command, "content");
        String root = argument(command, "root");
        Optional<String> badName = nameProblem(name);
        if (badName.isPresent()) {
            return Outcome.failed("refused file name: " + badName.get());
        }
        if ((content == null) == (root == null)) {
            return Outcome.failed("give either content (a small file inline) or size, root and from (a file fetched "
                    + "off the chain), not " + (content == null ? "neither" : "both"));
        }
        Path inbox = context.service(InboxService.class).orElseGet(FolderInbox::inHome).inbox();
        if (root != null) {
            return fetchAndSave(context, command, inbox, name);
        }
        if (content.length() > MAX_ENCODED) {
            return Outcome.failed("the file is larger than " + MAX_BYTES / 1024 + " KiB");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(content);
        } catch (IllegalArgumentException e) {
            return Outcome.failed("argument 'content' is not base64");
        }
        if (bytes.length > MAX_BYTES) {
            return Outcome.failed("the file is larger than " + MAX_BYTES / 1024 + " KiB");
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(argument(command, "sha256").trim());
        } catch (IllegalArgumentException e) {
            return Outcome.failed("argument 'sha256' is not hex");
        }
        if (!MessageDigest.isEqual(sha256(bytes), expected)) {
            return Outcome.failed("checksum mismatch: the content's SHA-256 is not the one given; nothing saved");
        }
        Path saved = InboxDelivery.save(inbox, name, bytes);
        notice(context, name, saved);
        return Outcome.executed("saved " + saved + " (" + bytes.length + " bytes)");
    }

    /** The off-chain form: fetch through the peer's service, then link or copy into the inbox. */
    private Outcome fetchAndSave(ModuleContext context, Command command, Path inbox, String name) throws IOException {
        Optional<FileTransferService> files = context.service(FileTransferService.class);
        if (files.isEmpty()) {
            return Outcome.unavailable("this peer cannot fetch files sent off the chain (no file transfer service)");
        }
        String size = argument(command, "size");
        String from = argument(command, "from");
        if (size == null || from == null) {
            return Outcome.failed("a file fetched off the chain needs size, root and from");
        }
        FileTransferService.FileOrder order;
        try {
            order = new FileTransferService.FileOrder(name, Long.parseLong(size), argument(command, "sha256"),
                    argument(command, "root"), Integer.parseInt(argument(command, "chunk-size")), from);
        } catch (NumberFormatException e) {
            return Outcome.failed("size and chunk-size are whole numbers");
        }
        // the service saves the file and tells the student, also when it lands after a restart
        CompletableFuture<Outcome> done = files.get().deliver(order, inbox, (held, total) -> { })
                .thenApply(r -> Outcome.executed("saved " + r.saved() + ": " + r.summary()))
                .exceptionally(failure -> {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    return Outcome.failed("not saved: " + (cause.getMessage() == null ? cause.toString()
                            : cause.getMessage()));
                });
        try {
            return done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the peer is closing or the module timed out: the fetch goes on
            return Outcome.failed("interrupted while fetching " + name + "; the fetch goes on in the background");
        } catch (java.util.concurrent.ExecutionException e) {
            return Outcome.failed("not saved: " + e.getCause());
        } catch (TimeoutException stillGoing) {
            return Outcome.executed("still fetching " + name + " (" + size + " bytes) in the background; the "
                    + "student gets a notice when it lands in " + inbox + " or why it could not");
        }
    }

    private static void notice(ModuleContext context, String name, Path saved) {
        context.service(NoticeService.class).ifPresent(n -> n.notice("File received",
                name + " is in your inbox: " + saved));
    }

    /** Why {@code name} cannot be a file in the inbox, or empty when it can. */
    static Optional<String> nameProblem(String name) {
        if (name.isEmpty()) {
            return Optional.of("the name is empty");
        }
        if (name.length() > MAX_NAME_CHARS || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return Optional.of("the name is longer than " + MAX_NAME_CHARS + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                return Optional.of("the name contains a control character");
            }
            int type = Character.getType(c);
            if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                return Optional.of("the name contains an invisible or line-breaking character (U+"
                        + String.format("%04X", (int) c) + ")");
            }
            if (c == '/' || c == '\\') {
                return Optional.of("the name contains a folder separator: give a file name only");
            }
            if (WINDOWS_FORBIDDEN.indexOf(c) >= 0) {
                return Optional.of("the name contains '" + c + "', not allowed in file names");
            }
        }
        if (name.contains("..")) {
            return Optional.of("the name contains '..'");
        }
        if (name.startsWith(".")) {
            return Optional.of("the name starts with a dot (a hidden file)");
        }
        if (!name.strip().equals(name)) {
            return Optional.of("the name starts or ends with a space");
        }
        if (name.endsWith(".")) {
            return Optional.of("the name ends with a dot");
        }
        String stem = name.toLowerCase(Locale.ROOT);
        int dot = stem.indexOf('.');
        if (WINDOWS_DEVICES.contains((dot < 0 ? stem : stem.substring(0, dot)).strip())) {
            return Optional.of("the name is a Windows device name");
        }
        return Optional.empty();
    }

    /** {@code report.pdf}, {@code report (2).pdf}, {@code report (3).pdf}... */
    static String numbered(String name, int copy) {
        return InboxDelivery.numbered(name, copy);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
