// Drives Confluent's own JavaScript schema-registry client and Avro serdes against Assay's registry, for
// ConfluentJsClientInteropIT. Output goes to stdout only; diagnostics to stderr.
//
//   node interop.js serialize   <registryUrl> <topic> <schema.avsc> <record.json>  -> base64 of the Kafka value
//   node interop.js deserialize <registryUrl> <topic> <base64>                     -> the decoded record as JSON
'use strict';

const fs = require('fs');
const { SchemaRegistryClient, SerdeType, AvroSerializer, AvroDeserializer } = require('@confluentinc/schemaregistry');

async function serialize(client, topic, schemaFile, recordFile) {
  const schema = fs.readFileSync(schemaFile, 'utf8');
  const record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
  // Register explicitly, then let the serializer use the subject's latest version, as Confluent's README does.
  await client.register(`${topic}-value`, { schemaType: 'AVRO', schema });
  const serializer = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
  const bytes = await serializer.serialize(topic, record);
  return bytes.toString('base64');
}

async function deserialize(client, topic, base64) {
  const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
  const record = await deserializer.deserialize(topic, Buffer.from(base64, 'base64'));
  return JSON.stringify(record, (key, value) => (typeof value === 'bigint' ? value.toString() : value));
}

async function main(argv) {
  const [command, url, topic, ...rest] = argv;
  const client = new SchemaRegistryClient({ baseURLs: [url] });
  try {
    switch (command) {
      case 'serialize':
        return await serialize(client, topic, rest[0], rest[1]);
      case 'deserialize':
        return await deserialize(client, topic, rest[0]);
      default:
        throw new Error(`unknown command '${command}'`);
    }
  } finally {
    await client.close();
  }
}

main(process.argv.slice(2)).then(
  (out) => process.stdout.write(out + '\n'),
  (err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exitCode = 1;
  });
