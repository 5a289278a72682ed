/*
 * The librdkafka side of `make bench`: the same job as `kfast bench --json`, with the same
 * payload, codec, acks and linger, printing the same JSON object.
 *
 *   rdkafka_bench BROKERS TOPIC COUNT CODEC ACKS LINGER_MS
 *   rdkafka_bench consume BROKERS TOPIC COUNT [--print-offsets] [--subscribe] [name=value ...]
 *
 * The consume mode reads COUNT messages from every partition of TOPIC from the beginning
 * (assigned directly, no group) and prints the same JSON as `kfast consume-bench --json`.
 * With --print-offsets it is the C counterpart of `kfast consume -o beginning -e -f '%o\n'`:
 * each message's offset and a newline go to standard output through stdio, as kcat prints
 * them, and the JSON goes to standard error. With --subscribe it reads as the only member of a
 * new consumer group instead of assigning the partitions itself.
 *
 *   rdkafka_bench latency BROKERS TOPIC RATE SECONDS ACKS LINGER_MS
 *
 * The latency mode is `kfast latency-bench`'s counterpart: a producer sends RATE messages a second
 * of 1,000 bytes (the first eight the CLOCK_MONOTONIC nanoseconds they were produced at) for one
 * warm-up second and SECONDS measured ones, while a consumer in the same process, assigned to
 * every partition from the beginning (a new topic: a start at the end is only known once looked
 * up, which on a loaded machine can be after the warm-up), takes each measured message's age on
 * arrival; it prints the percentiles.
 *
 * Linked against the librdkafka inside the confluent-kafka wheel (2.16); Debian's own
 * librdkafka 2.0 cannot talk to Tansu.
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

static long delivered, failed;
static long *latencies_us;
static long latency_count;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
    (void)rk; (void)opaque;
    if (message->err) {
        failed++;
        return;
    }
    delivered++;
    latencies_us[latency_count++] = (long)rd_kafka_message_latency(message);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static int by_value(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static void set(rd_kafka_conf_t *conf, const char *name, const char *value) {
    char error[512];
    if (rd_kafka_conf_set(conf, name, value, error, sizeof error) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "rdkafka_bench: %s=%s: %s\n", name, value, error);
        exit(2);
    }
}

static long max_rss_kb(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

/* kcat's `-f '%o\n'`: the offset in decimal and a newline, through stdio's buffer. */
static void print_offset(const rd_kafka_message_t *message) {
    fprintf(stdout, "%lld\n", (long long)message->offset);
}

/* Assigns every partition of `name` from `start` (RD_KAFKA_OFFSET_BEGINNING or _END; no group). */
static int assign_all(rd_kafka_t *rk, const char *name, int64_t start) {
    const struct rd_kafka_metadata *metadata;
    rd_kafka_topic_t *topic = rd_kafka_topic_new(rk, name, NULL);
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, topic, &metadata, 30000);
    if (err || metadata->topic_cnt != 1 || metadata->topics[0].err) {
        fprintf(stderr, "rdkafka_bench: metadata for %s: %s\n", name,
                rd_kafka_err2str(err ? err : metadata->topics[0].err));
        return 1;
    }
    rd_kafka_topic_partition_list_t *partitions = rd_kafka_topic_partition_list_new(metadata->topics[0].partition_cnt);
    for (int i = 0; i < metadata->topics[0].partition_cnt; i++)
        rd_kafka_topic_partition_list_add(partitions, name, metadata->topics[0].partitions[i].id)->offset = start;
    rd_kafka_metadata_destroy(metadata);
    rd_kafka_topic_destroy(topic);
    rd_kafka_assign(rk, partitions);
    rd_kafka_topic_partition_list_destroy(partitions);
    return 0;
}

/* Subscribes to `name` as the only member of a new group: the group consumer's path. */
static int subscribe_to(rd_kafka_t *rk, const char *name) {
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, name, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (err) fprintf(stderr, "rdkafka_bench: subscribe to %s: %s\n", name, rd_kafka_err2str(err));
    return err ? 1 : 0;
}

/* Takes the --options that follow COUNT (argv[5] on) out of argv, so the name=value properties
 * start at argv[5] whatever came before them. Returns 1 when `name` was there. */
static int take_option(int *argc, char ***argv, const char *name) {
    for (int i = 5; i < *argc && strncmp((*argv)[i], "--", 2) == 0; i++) {
        if (strcmp((*argv)[i], name) != 0) continue;
        for (int j = i; j > 0; j--) (*argv)[j] = (*argv)[j - 1];
        (*argv)++;
        (*argc)--;
        return 1;
    }
    return 0;
}

/* argv[from...] as name=value properties; non-zero after saying which one is malformed. */
static int set_pairs(rd_kafka_conf_t *conf, int argc, char **argv, int from) {
    for (int i = from; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq) {
            fprintf(stderr, "rdkafka_bench: %s: expected name=value\n", argv[i]);
            return 2;
        }
        *eq = '\0';
        set(conf, argv[i], eq + 1);
        *eq = '=';  /* intact for another configuration of the same properties */
    }
    return 0;
}

static int consume(int argc, char **argv) {
    long count = atol(argv[4]);
    int print_offsets = take_option(&argc, &argv, "--print-offsets");
    int subscribe = take_option(&argc, &argv, "--subscribe");
    if (argc > 5 && strncmp(argv[5], "--", 2) == 0) {
        fprintf(stderr, "rdkafka_bench: unknown option %s\n", argv[5]);
        return 2;
    }
    char error[512];
    char group[64];
    snprintf(group, sizeof group, "rdkafka-consume-bench-%ld-%d", (long)time(NULL), (int)getpid());
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", argv[2]);
    set(conf, "group.id", subscribe ? group : "kafka-fast-consume-bench");
    if (subscribe) set(conf, "auto.offset.reset", "earliest");
    set(conf, "enable.auto.commit", "false");
    set(conf, "enable.auto.offset.store", "false");
    if (set_pairs(conf, argc, argv, 5) != 0) return 2;
    double cpu_start = cpu_seconds(), start = now_seconds();
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    if (!rk) {
        fprintf(stderr, "rdkafka_bench: %s\n", error);
        return 1;
    }
    if ((subscribe ? subscribe_to(rk, argv[3]) : assign_all(rk, argv[3], RD_KAFKA_OFFSET_BEGINNING)) != 0) return 1;

    long received = 0, bytes = 0;
    double first = 0; /* when the first message came: a group's join can take seconds */
    /* The deadline is checked only when a poll comes back empty: reading the clock for every
     * message cost librdkafka's side 15% of its CPU, which no real consumer spends. */
    double deadline = now_seconds() + 600;
    while (received < count) {
        rd_kafka_message_t *message = rd_kafka_consumer_poll(rk, 100);
        if (!message) {
            if (now_seconds() >= deadline) break;
            continue;
        }
        if (message->err) {
            if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                fprintf(stderr, "rdkafka_bench: consume: %s\n", rd_kafka_message_errstr(message));
        } else {
            if (received++ == 0) first = now_seconds() - start;
            bytes += (long)message->len;
            if (print_offsets) print_offset(message);
        }
        rd_kafka_message_destroy(message);
    }
    if (print_offsets) fflush(stdout);
    double seconds = now_seconds() - start;
    double cpu = cpu_seconds() - cpu_start;
    fprintf(print_offsets ? stderr : stdout,
            "{\"msgs\":%ld,\"bytes\":%ld,\"seconds\":%.3f,\"msgs_per_sec\":%.3f,\"mb_per_sec\":%.3f,"
            "\"cpu_seconds\":%.3f,\"max_rss_kb\":%ld,\"first_message_seconds\":%.3f}\n",
            received, bytes, seconds, received / seconds, bytes / seconds / 1e6, cpu, max_rss_kb(), first);
    fflush(print_offsets ? stderr : stdout);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return received == count ? 0 : 1;
}

static uint64_t monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct latency_reader {
    rd_kafka_t *consumer;
    uint64_t measure_from;
    uint64_t *ages;
    long capacity, count;
    volatile int stop;
};

static void *read_latencies(void *opaque) {
    struct latency_reader *reader = opaque;
    while (!reader->stop) {
        rd_kafka_message_t *message = rd_kafka_consumer_poll(reader->consumer, 50);
        if (!message) continue;
        if (!message->err && message->len >= 8) {
            uint64_t now = monotonic_ns(), sent = 0;
            for (int i = 0; i < 8; i++) sent = sent << 8 | ((const unsigned char *)message->payload)[i];
            if (sent >= reader->measure_from && reader->count < reader->capacity)
                __atomic_store_n(&reader->ages[reader->count], now - sent, __ATOMIC_RELAXED),
                __atomic_store_n(&reader->count, reader->count + 1, __ATOMIC_RELEASE);
        }
        rd_kafka_message_destroy(message);
    }
    return NULL;
}

static int by_age(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int latency(int argc, char **argv) {
    const char *brokers = argv[2], *name = argv[3];
    long rate = atol(argv[4]);
    double seconds = atof(argv[5]), warmup = 1.0;
    char error[512];
    rd_kafka_conf_t *consumer_conf = rd_kafka_conf_new();
    set(consumer_conf, "bootstrap.servers", brokers);
    set(consumer_conf, "group.id", "kafka-fast-latency-bench");
    set(consumer_conf, "enable.auto.commit", "false");
    if (set_pairs(consumer_conf, argc, argv, 8) != 0) return 2;
    rd_kafka_t *consumer = rd_kafka_new(RD_KAFKA_CONSUMER, consumer_conf, error, sizeof error);
    if (!consumer) {
        fprintf(stderr, "rdkafka_bench: %s\n", error);
        return 1;
    }
    if (assign_all(consumer, name, RD_KAFKA_OFFSET_BEGINNING) != 0) return 1;

    rd_kafka_conf_t *producer_conf = rd_kafka_conf_new();
    set(producer_conf, "bootstrap.servers", brokers);
    set(producer_conf, "acks", argv[6]);
    set(producer_conf, "linger.ms", argv[7]);
    set_pairs(producer_conf, argc, argv, 8); /* checked above */
    rd_kafka_t *producer = rd_kafka_new(RD_KAFKA_PRODUCER, producer_conf, error, sizeof error);
    if (!producer) {
        fprintf(stderr, "rdkafka_bench: %s\n", error);
        return 1;
    }
    rd_kafka_topic_t *topic = rd_kafka_topic_new(producer, name, NULL);

    uint64_t start = monotonic_ns();
    uint64_t end = start + (uint64_t)((warmup + seconds) * 1e9);
    struct latency_reader reader = {consumer, start + (uint64_t)(warmup * 1e9), NULL, (long)(rate * seconds) + rate, 0, 0};
    reader.ages = calloc((size_t)reader.capacity, sizeof *reader.ages);
    pthread_t thread;
    pthread_create(&thread, NULL, read_latencies, &reader);

    unsigned char payload[1000];
    memset(payload, 'x', sizeof payload);
    long sent = 0, counted = 0;
    /* Paced by the millisecond: whatever is due by now goes out, then a short sleep. */
    for (uint64_t now = monotonic_ns(); now < end; now = monotonic_ns()) {
        long due = (long)((double)(now - start) / 1e9 * (double)rate);
        while (sent < due) {
            uint64_t stamp = monotonic_ns();
            for (int i = 0; i < 8; i++) payload[i] = (unsigned char)(stamp >> (56 - 8 * i));
            while (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, payload, sizeof payload, NULL, 0, NULL) == -1)
                rd_kafka_poll(producer, 1);
            if (stamp >= reader.measure_from) counted++;
            sent++;
        }
        rd_kafka_poll(producer, 0);
        usleep(1000);
    }
    rd_kafka_flush(producer, 30000);
    /* What was sent must arrive; give the consumer up to ten seconds more. */
    uint64_t deadline = monotonic_ns() + 10000000000u;
    while (__atomic_load_n(&reader.count, __ATOMIC_ACQUIRE) < counted && monotonic_ns() < deadline) usleep(10000);
    reader.stop = 1;
    pthread_join(thread, NULL);
    long received = reader.count;
    qsort(reader.ages, (size_t)received, sizeof *reader.ages, by_age);
    double p50 = received ? reader.ages[received / 2] / 1e6 : 0;
    double p99 = received ? reader.ages[(long)(received * 0.99)] / 1e6 : 0;
    double max = received ? reader.ages[received - 1] / 1e6 : 0;
    printf("{\"sent\":%ld,\"received\":%ld,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n", counted, received, p50, p99, max);
    fflush(stdout);
    rd_kafka_topic_destroy(topic);
    rd_kafka_destroy(producer);
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    return received >= counted ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc >= 5 && strcmp(argv[1], "consume") == 0) return consume(argc, argv);
    if (argc >= 8 && strcmp(argv[1], "latency") == 0) return latency(argc, argv);
    if (argc < 7) {
        fprintf(stderr, "usage: rdkafka_bench BROKERS TOPIC COUNT CODEC ACKS LINGER_MS [name=value ...]\n"
                        "       rdkafka_bench consume BROKERS TOPIC COUNT [--print-offsets] [--subscribe] [name=value ...]\n"
                        "       rdkafka_bench latency BROKERS TOPIC RATE SECONDS ACKS LINGER_MS [name=value ...]\n");
        return 2;
    }
    long count = atol(argv[3]);
    char payload[2048];
    size_t length = 0;
    for (int i = 0; i <= 277; i++) length += (size_t)snprintf(payload + length, sizeof payload - length, i ? ",%d" : "%d", i);

    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", argv[1]);
    set(conf, "compression.codec", argv[4]);
    set(conf, "acks", argv[5]);
    set(conf, "linger.ms", argv[6]);
    set(conf, "partitioner", "murmur2_random");
    /* Further properties: TLS for the benchmark through stunnel. */
    if (set_pairs(conf, argc, argv, 7) != 0) return 2;
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    char error[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!rk) {
        fprintf(stderr, "rdkafka_bench: %s\n", error);
        return 1;
    }
    latencies_us = calloc((size_t)count, sizeof *latencies_us);
    rd_kafka_topic_t *topic = rd_kafka_topic_new(rk, argv[2], NULL);

    double cpu_start = cpu_seconds(), start = now_seconds();
    for (long i = 0; i < count; i++) {
        while (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, payload, length, NULL, 0, NULL) == -1) {
            if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                fprintf(stderr, "rdkafka_bench: produce: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
                return 1;
            }
            rd_kafka_poll(rk, 1);
        }
        rd_kafka_poll(rk, 0);
    }
    double enqueued = now_seconds() - start;
    rd_kafka_flush(rk, 300000);
    double seconds = now_seconds() - start;
    double cpu = cpu_seconds() - cpu_start;

    qsort(latencies_us, (size_t)latency_count, sizeof *latencies_us, by_value);
    double p50 = latency_count ? latencies_us[latency_count / 2] / 1000.0 : 0;
    double p99 = latency_count ? latencies_us[(long)(latency_count * 0.99)] / 1000.0 : 0;
    printf("{\"msgs\":%ld,\"bytes\":%ld,\"enqueue_seconds\":%.3f,\"seconds\":%.3f,\"msgs_per_sec\":%.3f,"
           "\"mb_per_sec\":%.3f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"errors\":%ld,\"cpu_seconds\":%.3f}\n",
           count, count * (long)length, enqueued, seconds, delivered / seconds, count * (double)length / seconds / 1e6,
           p50, p99, failed, cpu);
    rd_kafka_topic_destroy(topic);
    rd_kafka_destroy(rk);
    return failed ? 1 : 0;
}
