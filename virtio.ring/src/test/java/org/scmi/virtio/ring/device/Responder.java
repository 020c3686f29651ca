package org.scmi.virtio.ring.device;

import java.util.function.UnaryOperator;
import org.scmi.virtio.ring.DescriptorChain;
import org.scmi.virtio.ring.VirtqueueException;

/** How a {@link FixedReplyDevice} session answers each command chain. One per session. */
@FunctionalInterface
public interface Responder {

    /**
     * Writes the response to {@code chain} into its writable part.
     *
     * @return the bytes written, the used length the device reports
     */
    int respond(DescriptorChain chain) throws VirtqueueException;

    /** Answers every chain with its own request bytes, as far as the writable part holds them. */
    static Responder echo() {
        return answering(UnaryOperator.identity());
    }

    /** Answers every chain with {@code answer} of its request bytes, cut to the writable part. */
    static Responder answering(UnaryOperator<byte[]> answer) {
        return chain -> {
            byte[] request = new byte[(int) chain.readableLength()];
            chain.read(0, request, 0, request.length);
            byte[] response = answer.apply(request);
            int length = (int) Math.min(response.length, chain.writableLength());
            chain.write(0, response, 0, length);
            return length;
        };
    }

    /**
     * Answers every chain without decoding it: its SCMI header word, then a SUCCESS status and
     * zero values, filling the writable part up to {@code maxReply} bytes. Allocates nothing per
     * chain.
     */
    static Responder headerThenZeros(int maxReply) {
        int headerSize = Integer.BYTES;
        byte[] header = new byte[headerSize];
        byte[] reply = new byte[maxReply];
        return chain -> {
            chain.read(0, header, 0, headerSize);
            System.arraycopy(header, 0, reply, 0, headerSize);
            int length = (int) Math.min(chain.writableLength(), maxReply);
            chain.write(0, reply, 0, length);
            return length;
        };
    }
}
