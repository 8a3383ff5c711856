// Importer: SQS messages are unserialised and YAML-loaded (full schema) as they come.
const serialize = require("node-serialize");
const yaml = require("js-yaml");

exports.handler = async (event) => {
  for (const record of event.Records) {
    const payload = serialize.unserialize(Buffer.from(record.body, "base64").toString());
    const settings = yaml.load(record.messageAttributes.settings.stringValue,
      { schema: yaml.DEFAULT_FULL_SCHEMA });
    console.log("imported", payload, settings);
  }
};
