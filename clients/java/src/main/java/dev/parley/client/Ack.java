package dev.parley.client;

import java.util.UUID;

/** The server's confirmation that a send is stored: its place in the channel and its id. */
public record Ack(UUID channelId, String clientMsgId, long seq, long msgId, long ts) {
}
