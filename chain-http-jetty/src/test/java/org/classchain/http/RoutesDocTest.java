package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.wire.Message;
import org.junit.jupiter.api.Test;

/**
 * ROUTES.md and the route table say the same: every route the server serves has a line in the
 * table of ROUTES.md, every line names a route the server serves, and a message route's line
 * names its request and reply types as {@link RouteTable} does.
 */
class RoutesDocTest {

    private static final Pattern LINE = Pattern.compile("^\\| `(GET|POST) (/[^` ?]*)[^`]*` \\| ([^|]*)\\|");

    @Test
    void routes_md_lists_exactly_the_routes_served_with_their_messages() throws Exception {
        Map<String, String> documented = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("ROUTES.md"))) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                assertThat(documented.put(m.group(1) + " " + m.group(2), m.group(3).trim()))
                        .as("documented once: " + m.group(1) + " " + m.group(2)).isNull();
            }
        }
        CanonicalJson json = new CanonicalJson();
        WireJson wire = new WireJson(json, new BlockWire(new BlockCodec(json)));
        RoomView room = new RoomView((from, m) -> CompletableFuture.completedFuture(new Message.Ack("")),
                (address, m) -> CompletableFuture.completedFuture(new Message.Ack("")), null);
        Routes routes = Routes.api((from, m) -> CompletableFuture.completedFuture(new Message.Ack("")), wire, 1024, room);
        List<String> served = new ArrayList<>(routes.routes().stream().map(r -> r.method() + " " + r.template()).toList());
        served.addAll(FileServing.ROUTES); // the files' binary routes, served apart from the JSON ones
        assertThat(documented.keySet()).as("the routes of ROUTES.md's table").containsExactlyInAnyOrderElementsOf(served);
        for (RouteTable.Row row : RouteTable.ROWS) {
            String messages = documented.get(row.method() + " " + row.template());
            assertThat(messages).as(row.method() + " " + row.template() + " names its request")
                    .startsWith(row.request().getSimpleName() + " → ");
            if (row.reply() != Message.class) {
                assertThat(messages).as(row.method() + " " + row.template() + " names its reply")
                        .startsWith(row.request().getSimpleName() + " → " + row.reply().getSimpleName());
            }
        }
    }
}
