"""MQTT 3.1.1 over WebSocket with Eclipse paho (Debian's python3-paho-mqtt 1.6.1, transport "websockets", which asks
for the subprotocol `mqtt`): connect, subscribe to a filter, once it is granted publish three readings at QoS 1 (each
delivered back to this subscriber), disconnect. Prints what it received. Usage: mqtt-ws-client.py HOST PORT"""

import sys
import threading

import paho.mqtt.client as mqtt

received: list[str] = []
subscribed = threading.Event()
delivered = threading.Event()


def on_subscribe(_client, _userdata, _mid, _granted):
    subscribed.set()


def on_message(_client, _userdata, message):
    received.append(f"{message.topic}={message.payload.decode()}")
    if len(received) == 3:
        delivered.set()


client = mqtt.Client(client_id="meshward-ws", transport="websockets")
client.ws_set_options(path="/mqtt")
client.on_subscribe = on_subscribe
client.on_message = on_message
client.connect(sys.argv[1], int(sys.argv[2]))
client.loop_start()
client.subscribe("plant/+/temp", qos=1)
subscribed.wait(5)
for i in range(3):
    client.publish(f"plant/{i}/temp", f"{20 + i}", qos=1).wait_for_publish(5)
delivered.wait(5)
client.disconnect()
client.loop_stop()
print(",".join(sorted(received)))
