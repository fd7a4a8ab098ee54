#!/bin/sh
# Start the three-member replica set once (compose.yaml's mongo-init); safe to run again.
set -e
until mongosh --quiet --host mongo1 --eval 'db.adminCommand("ping")' >/dev/null 2>&1; do sleep 1; done
mongosh --quiet --host mongo1 --eval '
  try {
    rs.status();
  } catch (e) {
    rs.initiate({_id: "rs0", members: [
      {_id: 0, host: "mongo1:27017"},
      {_id: 1, host: "mongo2:27017"},
      {_id: 2, host: "mongo3:27017"}
    ]});
  }'
until mongosh --quiet --host mongo1 --eval 'quit(db.hello().primary ? 0 : 1)' >/dev/null 2>&1; do sleep 1; done
echo "replica set rs0 has a primary"
